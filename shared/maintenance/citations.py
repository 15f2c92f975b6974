"""The laws and by-laws the maintenance rules rest on, written once so every rule cites the same text.

`in_force_since` is the date the provision we rely on took effect where we know it; a rule that
depends on a newer amendment would carry its own date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Citation:
    ref: str  # how a person quotes it: "RTA 2006, s. 27(1)"
    text: str  # what it says that matters here, in our words
    in_force_since: date | None = None

    def __str__(self) -> str:
        return self.ref


_RTA = date(2007, 1, 31)  # Residential Tenancies Act, 2006, S.O. 2006, c. 17: in force 31 January 2007

RTA_MAINTENANCE = Citation(
    "RTA 2006, s. 20(1)",
    "The landlord keeps the residential complex, and what it provides, in a good state of repair and fit for "
    "habitation.", _RTA)
RTA_VITAL_SERVICES = Citation(
    "RTA 2006, ss. 2(1) and 21(1)",
    "Hot or cold water, fuel, electricity, gas and, in the prescribed part of the year, heat are vital services a "
    "landlord may not withhold.", _RTA)
RTA_ENTRY_WITHOUT_NOTICE = Citation(
    "RTA 2006, s. 26(1)",
    "A landlord may enter without written notice in an emergency, or when the tenant consents to the entry.", _RTA)
RTA_ENTRY_WITH_NOTICE = Citation(
    "RTA 2006, s. 27(1) para. 3",
    "A landlord may enter to repair, replace something or do work in the unit with written notice given at least "
    "24 hours before the time of entry.", _RTA)
RTA_ENTRY_HOURS = Citation(
    "RTA 2006, s. 27(3)",
    "The written notice states the reason for entry, the day of entry and a time of entry between 8 a.m. and "
    "8 p.m.", _RTA)
TORONTO_HEAT = Citation(
    "Toronto Municipal Code, ch. 497 (Heating), s. 497-2",
    "A landlord who heats a rented dwelling unit keeps every area of it at 21 °C or more from 15 September to "
    "1 June.", date(2000, 8, 3))
OTTAWA_HEAT = Citation(
    "City of Ottawa Heat By-law No. 2010-210",
    "A landlord keeps rented dwellings adequately heated: at least 20 °C from 06:00 to 23:00 and 16.67 °C at "
    "night.")
TORONTO_COOLING = Citation(
    "Toronto Municipal Code, ch. 629 (Property Standards), s. 629-38",
    "Heating and air-conditioning systems are kept in good repair; air conditioning a building provides runs "
    "from 2 June to 14 September.")
