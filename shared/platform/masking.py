"""PII masking for logs and API output: enough to recognise, never enough to contact."""

from __future__ import annotations


def mask_email(email: str | None) -> str:
    if not email or "@" not in email:
        return "***"
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str | None) -> str:
    if not phone:
        return "***"
    digits = phone.strip()
    return f"{digits[:2]}***{digits[-2:]}" if len(digits) > 4 else "***"


def mask_address(address: str | None) -> str:
    """Mask an email address or a phone number, whichever it is."""
    if address and "@" in address:
        return mask_email(address)
    return mask_phone(address)
