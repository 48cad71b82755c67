"""Yandex Market's category dictionary answers (GetCategoriesResponse, GetCategoryContentParametersResponse)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Category(_Wire):
    """CategoryDTO: a category without children is a leaf."""

    id: int
    name: str = ""
    children: list[Category] | None = None


class CategoriesAnswer(_Wire):
    """`POST /v2/categories/tree` answer: one root."""

    status: str | None = None
    result: Category | None = None


class Unit(_Wire):
    """UnitDTO."""

    id: int
    name: str = ""
    full_name: str = Field("", alias="fullName")


class ParameterUnit(_Wire):
    """CategoryParameterUnitDTO: the default unit and those allowed."""

    default_unit_id: int = Field(alias="defaultUnitId")
    units: list[Unit] = Field(default_factory=list)


class ValueOption(_Wire):
    """ParameterValueOptionDTO."""

    id: int
    value: str
    description: str | None = None


class Parameter(_Wire):
    """CategoryParameterDTO; `values` only for ENUM."""

    id: int
    name: str = ""
    type: str
    unit: ParameterUnit | None = None
    description: str | None = None
    required: bool = False
    multivalue: bool = False
    allow_custom_values: bool = Field(False, alias="allowCustomValues")
    values: list[ValueOption] | None = None


class CategoryParameters(_Wire):
    """CategoryContentParametersDTO."""

    category_id: int = Field(alias="categoryId")
    parameters: list[Parameter] | None = None


class ParametersAnswer(_Wire):
    """`POST /v2/category/{categoryId}/parameters` answer."""

    status: str | None = None
    result: CategoryParameters | None = None
