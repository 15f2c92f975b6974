"""How a message travels (`Channel`) and what kind of message it is (`Category`).

Shared vocabulary: templates, residents' contact preferences, suppression, tracking and the outbox
all speak it, so it lives on the platform floor rather than in any one of them (issue 16).
"""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class Category(StrEnum):
    MARKETING = "marketing"
    TRANSACTIONAL = "transactional"
