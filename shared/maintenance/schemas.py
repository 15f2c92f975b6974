"""The work-order API's shapes for what exists so far: the triage request and answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.maintenance.models import Answers, Category, Priority


class TriageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category
    answers: Answers


class TriageRule(BaseModel):
    """One rule that applied, with its citations (the contract's `reasons` are these rules' reasons)."""

    rule: str
    severity: Priority
    reason: str
    citations: list[str]


class TriageAnswer(BaseModel):
    severity: Priority
    reasons: list[str]
    self_help: list[str]
    rules: list[TriageRule]
    in_heating_season: bool  # judged on today's date in the community's time zone
