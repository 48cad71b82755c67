"""Yandex Market's answers to the catalogue writes (UpdateOfferMappingsResponse and its results)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class OfferMappingProblem(_Wire):
    """OfferMappingErrorDTO: `{type, parameterId?, message}` (an error or a warning of one offer)."""

    type: str
    message: str = ""
    parameter_id: int | None = Field(default=None, alias="parameterId")


class OfferMappingResult(_Wire):
    """UpdateOfferMappingResultDTO: one offer's errors (nothing applied) and warnings (applied)."""

    offer_id: str = Field(alias="offerId")
    errors: list[OfferMappingProblem] | None = None
    warnings: list[OfferMappingProblem] | None = None


class UpdateOfferMappingsAnswer(_Wire):
    """UpdateOfferMappingsResponse: `status` ERROR when any offer has an error, and then NOTHING was applied."""

    status: str
    results: list[OfferMappingResult] | None = None
