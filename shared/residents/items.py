"""Storage items of the residents directory (see docs/data-model.md for every key).

- resident `C#{cid}` / `RES#{rid}` (ULID ids: the sort key is creation order, the list's order);
- uniqueness claims `RESEMAIL#{email}` and `RESPHONE#{e164}` → the resident id, written in the same
  transaction as the resident, so two residents can never hold one address;
- consent history `RESCONSENT#{rid}#{at}#{change id}`;
- custom field definitions `CFIELD#{key}`; segments `SEGMENT#{sid}`.

Money is stored as its decimal string (a DynamoDB number would be read back as a float by
PynamoDB); custom values and segment filters as JSON text, so their types survive exactly.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from shared.platform.db import BaseItem


class ResidentItem(BaseItem, discriminator="resident"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    role = UnicodeAttribute()
    unit = UnicodeAttribute(null=True)
    balance = UnicodeAttribute(default="0.00")
    has_violation = BooleanAttribute(default=False)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    custom = UnicodeAttribute(default="{}")  # JSON object
    consent_email = BooleanAttribute(default=True)
    consent_sms = BooleanAttribute(default=False)
    version = NumberAttribute(default=1)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class ResidentClaimItem(BaseItem, discriminator="resident_claim"):
    """An email or phone number held by one resident of the community."""

    resident_id = UnicodeAttribute()


class ConsentChangeItem(BaseItem, discriminator="consent_change"):
    id = UnicodeAttribute()
    resident_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    value = BooleanAttribute()
    source = UnicodeAttribute()
    actor_id = UnicodeAttribute(null=True)
    at = UnicodeAttribute()


class CustomFieldItem(BaseItem, discriminator="custom_field"):
    key = UnicodeAttribute()
    community_id = UnicodeAttribute()
    label = UnicodeAttribute()
    field_type = UnicodeAttribute()
    required = BooleanAttribute(default=False)
    options = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class SegmentItem(BaseItem, discriminator="segment"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    filter = UnicodeAttribute()  # JSON of ResidentFilter
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
