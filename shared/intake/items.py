"""Storage items of intake forms and applications (see docs/data-model.md).

- form version `C#{cid}` / `INTAKEFORM#{version:06d}`: schema and UI schema as JSON text, written once
  with `attribute_not_exists`, so two concurrent saves cannot both become version n + 1;
- application `C#{cid}` / `APP#{id}` (ULID: newest first is a descending query), on GSI1 under
  `C#{cid}#APP#{status}` so `?status=` is a key condition; answers as JSON text (types survive exactly).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from shared.platform.db import BaseItem


class FormVersionItem(BaseItem, discriminator="intake_form"):
    community_id = UnicodeAttribute()
    version = NumberAttribute()
    document = UnicodeAttribute()  # JSON
    ui_schema = UnicodeAttribute(default="{}")  # JSON
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)


class ApplicationItem(BaseItem, discriminator="application"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    form_version = NumberAttribute()
    answers = UnicodeAttribute()  # JSON
    applicant_name = UnicodeAttribute()
    applicant_email = UnicodeAttribute()
    applicant_phone = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    reviewed_by = UnicodeAttribute(null=True)
    resident_id = UnicodeAttribute(null=True)
    tenancy_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
