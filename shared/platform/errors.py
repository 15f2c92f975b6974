"""The contract's error codes, and the domain exceptions that carry them.

Domain code raises these; `shared.platform.http` turns any of them into the contract's error
body in one place. Nothing picks a status by matching message text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ApiError(Exception):
    """Base of every error the API answers with; subclasses fix the status and code."""

    status: ClassVar[int] = 500
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
    status, code, default_message = 422, "VALIDATION_FAILED", "The request is not valid."


class InvalidCursor(ApiError):
    status, code, default_message = 400, "INVALID_CURSOR", "The cursor is not valid here."


class AuthRequired(ApiError):
    status, code, default_message = 401, "AUTH_REQUIRED", "Sign in to continue."


class InvalidCredentials(ApiError):
    status, code, default_message = 401, "AUTH_INVALID_CREDENTIALS", "Wrong community, email or password."


class TokenInvalid(ApiError):
    status, code, default_message = 401, "AUTH_TOKEN_INVALID", "The token is invalid or expired."


class TokenReused(ApiError):
    status, code = 401, "AUTH_TOKEN_REUSED"
    default_message = "This refresh token was already used; the session has been signed out."


class MfaInvalidCode(ApiError):
    status, code, default_message = 401, "MFA_INVALID_CODE", "The code is not valid."


class AuthLocked(ApiError):
    status, code, default_message = 429, "AUTH_LOCKED", "Too many failed attempts; try again later."


class RateLimited(ApiError):
    status, code, default_message = 429, "RATE_LIMITED", "Too many requests; slow down."


class MfaEnrollmentRequired(ApiError):
    status, code = 403, "MFA_ENROLLMENT_REQUIRED"
    default_message = "Set up two-factor authentication to continue."


class MfaRequiredByPolicy(ApiError):
    status, code = 403, "MFA_REQUIRED_BY_POLICY"
    default_message = "Your role requires two-factor authentication."


class EmailUnverified(ApiError):
    status, code, default_message = 403, "EMAIL_UNVERIFIED", "Verify your email address first."


class Forbidden(ApiError):
    status, code, default_message = 403, "FORBIDDEN", "You do not have permission to do this."


class NotFound(ApiError):
    status, code, default_message = 404, "NOT_FOUND", "Not found."


class Conflict(ApiError):
    status, code, default_message = 409, "CONFLICT", "This conflicts with the current state."


class IdempotencyKeyReused(ApiError):
    status, code = 409, "IDEMPOTENCY_KEY_REUSED"
    default_message = "This Idempotency-Key was already used with a different request."


class RecipientSuppressed(ApiError):
    status, code, default_message = 409, "RECIPIENT_SUPPRESSED", "The recipient is suppressed."


class PayloadTooLarge(ApiError):
    status, code, default_message = 413, "PAYLOAD_TOO_LARGE", "The payload is too large."


class UnsupportedMediaType(ApiError):
    status, code = 415, "UNSUPPORTED_MEDIA_TYPE"
    default_message = "The request body must be JSON (Content-Type: application/json)."


class TemplateVariablesMissing(ApiError):
    status, code, default_message = 422, "TEMPLATE_VARIABLES_MISSING", "Template variables are missing."


class NoticeRuleFailed(ApiError):
    """A notice broke a rule of the RTA or the LTB's Rules; `details` name each rule and its citation."""

    status, code, default_message = 422, "NOTICE_RULE_FAILED", "The notice breaks a rule; see details."


_ERROR_TYPES: tuple[type[ApiError], ...] = (ApiError, *ApiError.__subclasses__())
ERROR_CODES: dict[str, int] = {cls.code: cls.status for cls in _ERROR_TYPES}
