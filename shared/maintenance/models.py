"""The work-order vocabulary of the contract: categories, priorities, statuses and triage answers."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, StrictBool


class Category(StrEnum):
    PLUMBING = "plumbing"
    ELECTRICAL = "electrical"
    HEATING = "heating"
    APPLIANCE = "appliance"
    PEST = "pest"
    STRUCTURAL = "structural"
    COMMON_AREA = "common_area"
    OTHER = "other"


class Priority(StrEnum):
    """A triage severity and an order's priority share one scale, lowest first."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Priority.LOW: 0, Priority.MEDIUM: 1, Priority.HIGH: 2, Priority.EMERGENCY: 3}


class Status(StrEnum):
    OPEN = "open"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# An order in one of these needs nothing more from anyone: it is never overdue and never an open risk.
DONE: frozenset[Status] = frozenset({Status.COMPLETED, Status.CLOSED, Status.CANCELLED})


class Answers(BaseModel):
    """The contract's yes/no triage questions: JSON booleans only (not "yes" or 1); an unknown question is
    refused and a missing one is "no"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gas_smell: StrictBool = False
    active_leak: StrictBool = False
    flooding: StrictBool = False
    sewage_backup: StrictBool = False
    sparks_or_burning: StrictBool = False
    no_heat: StrictBool = False
    no_water: StrictBool = False
    no_power: StrictBool = False
    no_cooling: StrictBool = False
    locked_out: StrictBool = False
    security_breach: StrictBool = False
    pests_seen: StrictBool = False

    def yes(self) -> frozenset[str]:
        """The questions answered yes."""
        return frozenset(name for name, value in self.model_dump().items() if value)
