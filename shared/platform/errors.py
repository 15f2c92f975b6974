"""The contract's error codes, and the domain exceptions that carry them.

Domain code raises these; they carry the contract's `code`, a message and field details, and no
HTTP status: `shared.platform.http` maps each code to its status and turns the error into the
contract's body, in one place (issue 16). Nothing picks a status by matching message text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ApiError(Exception):
    """Base of every error the API answers with; subclasses fix the code (the edge maps it to a status)."""

    code: ClassVar[str] = "INTERNAL"
    default_message: ClassVar[str] = "Something went wrong on our side."

    def __init__(self, message: str | None = None, details: list[FieldError] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or []
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)


def error_body(code: str, message: str, details: list[FieldError] | None = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": [{"field": d.field, "message": d.message} for d in details or []],
        }
    }


class ValidationFailed(ApiError):
    code, default_message = "VALIDATION_FAILED", "The request is not valid."


class InvalidCursor(ApiError):
    code, default_message = "INVALID_CURSOR", "The cursor is not valid here."


class AuthRequired(ApiError):
    code, default_message = "AUTH_REQUIRED", "Sign in to continue."


class InvalidCredentials(ApiError):
    code, default_message = "AUTH_INVALID_CREDENTIALS", "Wrong community, email or password."


class TokenInvalid(ApiError):
    code, default_message = "AUTH_TOKEN_INVALID", "The token is invalid or expired."


class TokenReused(ApiError):
    code = "AUTH_TOKEN_REUSED"
    default_message = "This refresh token was already used; the session has been signed out."


class MfaInvalidCode(ApiError):
    code, default_message = "MFA_INVALID_CODE", "The code is not valid."


class AuthLocked(ApiError):
    code, default_message = "AUTH_LOCKED", "Too many failed attempts; try again later."


class RateLimited(ApiError):
    code, default_message = "RATE_LIMITED", "Too many requests; slow down."


class MfaEnrollmentRequired(ApiError):
    code = "MFA_ENROLLMENT_REQUIRED"
    default_message = "Set up two-factor authentication to continue."


class MfaRequiredByPolicy(ApiError):
    code = "MFA_REQUIRED_BY_POLICY"
    default_message = "Your role requires two-factor authentication."


class EmailUnverified(ApiError):
    code, default_message = "EMAIL_UNVERIFIED", "Verify your email address first."


class Forbidden(ApiError):
    code, default_message = "FORBIDDEN", "You do not have permission to do this."


class NotFound(ApiError):
    code, default_message = "NOT_FOUND", "Not found."


class Conflict(ApiError):
    code, default_message = "CONFLICT", "This conflicts with the current state."


class IdempotencyKeyReused(ApiError):
    code = "IDEMPOTENCY_KEY_REUSED"
    default_message = "This Idempotency-Key was already used with a different request."


class RecipientSuppressed(ApiError):
    code, default_message = "RECIPIENT_SUPPRESSED", "The recipient is suppressed."


class PayloadTooLarge(ApiError):
    code, default_message = "PAYLOAD_TOO_LARGE", "The payload is too large."


class UnsupportedMediaType(ApiError):
    code = "UNSUPPORTED_MEDIA_TYPE"
    default_message = "The request body must be JSON (Content-Type: application/json)."


class TemplateVariablesMissing(ApiError):
    code, default_message = "TEMPLATE_VARIABLES_MISSING", "Template variables are missing."


class NoticeRuleFailed(ApiError):
    """A notice broke a rule of the RTA or the LTB's Rules; `details` name each rule and its citation."""

    code, default_message = "NOTICE_RULE_FAILED", "The notice breaks a rule; see details."


_ERROR_TYPES: tuple[type[ApiError], ...] = (ApiError, *ApiError.__subclasses__())
# Every code the contract answers with (its error table); the edge gives each its status.
ERROR_CODES: frozenset[str] = frozenset(cls.code for cls in _ERROR_TYPES)
