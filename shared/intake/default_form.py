"""The rental application every new community starts with: version 1 of its intake form.

It fits the profile it is checked against (tests prove it), so an operator can copy and edit it.
Money is a decimal string, as everywhere in the API; dates are `YYYY-MM-DD`; phones E.164.
"""

from __future__ import annotations

from typing import Any

_MONEY = {"type": "string", "pattern": "^[0-9]{1,9}(\\.[0-9]{2})?$", "maxLength": 12}
_NAME = {"type": "string", "minLength": 1, "maxLength": 100}
_PHONE = {"type": "string", "format": "phone", "maxLength": 16}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Rental application",
    "type": "object",
    "required": ["personal", "current_address", "employment", "credit_check_consent"],
    "$defs": {
        "address": {
            "type": "object",
            "required": ["line1", "city", "province", "postal_code"],
            "properties": {
                "line1": {"title": "Street address", "type": "string", "minLength": 1, "maxLength": 200},
                "line2": {"title": "Apartment, suite", "type": "string", "maxLength": 200},
                "city": {"title": "City", "type": "string", "minLength": 1, "maxLength": 100},
                "province": {"title": "Province", "type": "string", "minLength": 2, "maxLength": 50},
                "postal_code": {"title": "Postal code", "type": "string", "maxLength": 10,
                                "pattern": "^[A-Za-z][0-9][A-Za-z] ?[0-9][A-Za-z][0-9]$"},
            },
        },
        "person": {
            "type": "object",
            "required": ["full_name"],
            "properties": {
                "full_name": {"title": "Full name", **_NAME},
                "date_of_birth": {"title": "Date of birth", "type": "string", "format": "date"},
                "relationship": {"title": "Relationship to you", "type": "string", "maxLength": 50},
            },
        },
    },
    "properties": {
        "personal": {
            "title": "Personal details",
            "type": "object",
            "required": ["first_name", "last_name", "date_of_birth", "email", "phone"],
            "properties": {
                "first_name": {"title": "First name", **_NAME},
                "last_name": {"title": "Last name", **_NAME},
                "date_of_birth": {"title": "Date of birth", "type": "string", "format": "date"},
                "email": {"title": "Email", "type": "string", "format": "email", "maxLength": 254},
                "phone": {"title": "Phone", **_PHONE},
            },
        },
        "current_address": {
            "title": "Current address",
            "type": "object",
            "required": ["address", "moved_in_on", "monthly_rent"],
            "properties": {
                "address": {"$ref": "#/$defs/address"},
                "moved_in_on": {"title": "Moved in on", "type": "string", "format": "date"},
                "monthly_rent": {"title": "Monthly rent", **_MONEY},
                "landlord_name": {"title": "Landlord's name", "type": "string", "maxLength": 100},
                "landlord_phone": {"title": "Landlord's phone", **_PHONE},
                "reason_for_leaving": {"title": "Reason for leaving", "type": "string", "maxLength": 500},
            },
        },
        "employment": {
            "title": "Employment and income",
            "type": "object",
            "required": ["status", "monthly_income"],
            "properties": {
                "status": {"title": "Employment status", "type": "string",
                           "enum": ["employed", "self_employed", "student", "retired", "unemployed", "other"]},
                "employer": {"title": "Employer", "type": "string", "maxLength": 200},
                "position": {"title": "Position", "type": "string", "maxLength": 100},
                "started_on": {"title": "Started on", "type": "string", "format": "date"},
                "monthly_income": {"title": "Monthly income before tax", **_MONEY},
                "other_income": {"title": "Other monthly income", **_MONEY},
            },
            "if": {"properties": {"status": {"enum": ["employed", "self_employed"]}}},
            "then": {"required": ["employer"]},
        },
        "occupants": {
            "title": "Other occupants", "type": "array", "maxItems": 10, "items": {"$ref": "#/$defs/person"},
        },
        "pets": {
            "title": "Pets", "type": "array", "maxItems": 10,
            "items": {
                "type": "object",
                "required": ["kind"],
                "properties": {
                    "kind": {"title": "Kind", "type": "string", "enum": ["dog", "cat", "bird", "fish", "other"]},
                    "breed": {"title": "Breed", "type": "string", "maxLength": 100},
                    "weight_kg": {"title": "Weight (kg)", "type": "number", "minimum": 0, "maximum": 150},
                },
            },
        },
        "vehicles": {
            "title": "Vehicles", "type": "array", "maxItems": 5,
            "items": {
                "type": "object",
                "required": ["make", "plate"],
                "properties": {
                    "make": {"title": "Make and model", "type": "string", "maxLength": 100},
                    "year": {"title": "Year", "type": "integer", "minimum": 1950, "maximum": 2100},
                    "plate": {"title": "Licence plate", "type": "string", "maxLength": 10},
                },
            },
        },
        "references": {
            "title": "References", "type": "array", "maxItems": 5,
            "items": {
                "type": "object",
                "required": ["full_name", "phone"],
                "properties": {
                    "full_name": {"title": "Full name", **_NAME},
                    "relationship": {"title": "Relationship", "type": "string", "maxLength": 50},
                    "phone": {"title": "Phone", **_PHONE},
                    "email": {"title": "Email", "type": "string", "format": "email", "maxLength": 254},
                },
            },
        },
        "credit_check_consent": {
            "title": "I consent to a credit check for this application",
            "description": "We use it only to assess this application.",
            "const": True,
        },
    },
}

UI_SCHEMA: dict[str, Any] = {
    "ui:order": ["personal", "current_address", "employment", "occupants", "pets", "vehicles", "references",
                 "credit_check_consent"],
    "personal": {"date_of_birth": {"ui:widget": "date"}, "phone": {"ui:placeholder": "+14165550123"}},
    "current_address": {"moved_in_on": {"ui:widget": "date"}, "reason_for_leaving": {"ui:widget": "textarea"}},
    "employment": {"started_on": {"ui:widget": "date"}},
    "credit_check_consent": {"ui:widget": "checkbox"},
}
