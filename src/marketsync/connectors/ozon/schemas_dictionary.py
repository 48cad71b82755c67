"""Pydantic models of Ozon's category dictionary answers (/v1/description-category/*, ozon/swagger.json)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TreeNode(BaseModel):
    """`v1GetTreeResponseItem`: a category node (description_category_id, category_name) or, under the lowest
    category nodes, a type node (type_id, type_name); `disabled` nodes take no new products."""

    description_category_id: int = 0
    category_name: str = ""
    type_id: int = 0
    type_name: str = ""
    disabled: bool = False
    children: list[TreeNode] = Field(default_factory=list)


class CategoryTree(BaseModel):
    """`/v1/description-category/tree` answer."""

    result: list[TreeNode] = Field(default_factory=list)


class Attribute(BaseModel):
    """`v1GetAttributesResponseAttribute`: `dictionary_id` 0 means a free value."""

    id: int
    name: str = ""
    description: str = ""
    type: str = ""
    is_collection: bool = False
    is_required: bool = False
    is_aspect: bool = False
    max_value_count: int = 0
    group_name: str = ""
    dictionary_id: int = 0
    attribute_complex_id: int = 0
    category_dependent: bool = False


class AttributeList(BaseModel):
    """`/v1/description-category/attribute` answer."""

    result: list[Attribute] = Field(default_factory=list)


class AttributeValue(BaseModel):
    """One dictionary value (`v1GetAttributeValuesResponseDictionaryValue`, `SearchAttributeValuesResponseValue`)."""

    id: int
    value: str = ""
    info: str = ""
    picture: str = ""


class AttributeValues(BaseModel):
    """`/v1/description-category/attribute/values` (and `/search`, without has_next) answer."""

    result: list[AttributeValue] = Field(default_factory=list)
    has_next: bool = False
