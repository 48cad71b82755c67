"""Wildberries' category dictionary answers (02-products.yaml, tag "Категории, предметы и характеристики"):
`{data, error, errorText, additionalErrors}` with the fields we read."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ParentCategory(_Wire):
    """`/content/v2/object/parent/all` item."""

    id: int
    name: str = ""
    isVisible: bool = True


class Subject(_Wire):
    """`/content/v2/object/all` item: a subject (what a card is made in) and its parent category."""

    subjectID: int
    parentID: int = 0
    subjectName: str = ""
    parentName: str = ""


class Characteristic(_Wire):
    """`/content/v2/object/charcs/{subjectId}` item; charcType 1 strings, 4 a number, 0 not used."""

    charcID: int
    name: str = ""
    required: bool = False
    unitName: str = ""
    maxCount: int = 0
    popular: bool = False
    charcType: int = 1


class ParentsAnswer(_Wire):
    """Parents list answer."""

    data: list[ParentCategory] | None = Field(default_factory=list)


class SubjectsAnswer(_Wire):
    """Subjects list answer."""

    data: list[Subject] | None = Field(default_factory=list)


class CharacteristicsAnswer(_Wire):
    """Characteristics answer."""

    data: list[Characteristic] | None = Field(default_factory=list)


class DirectoryAnswer(_Wire):
    """A directory answer: strings (kinds, seasons, vat) or objects (colors {name, parentName}, countries {name,
    fullName}, tnved {tnved, isKiz}), read as they come."""

    data: list[Any] | None = Field(default_factory=list)
