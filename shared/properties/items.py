"""Storage items of property operations (every key: shared.platform.keys; the table: docs/data-model.md).

- property `C#{cid}` / `PROP#{pid}` (`unit_count` kept by the unit transactions);
- unit `C#{cid}` / `UNIT#{uid}`, listed per property on GSI1; its label claim `UNITLABEL#{pid}#{label}`;
  the unit keeps its tenancies' date spans, and every tenancy write is conditional on its version;
- tenancy `C#{cid}` / `TENANCY#{tid}`, listed per property on GSI1 by end date; one link per party
  `RESTENANCY#{rid}#{tid}`;
- ledger entries `C#{cid}#TENANCY#{tid}#LEDGER` / `E#{entry id}`; a reversal's claim `REVERSED#{entry id}`;
- a user's property assignments `C#{cid}` / `PROPSCOPE#{uid}`.

Money and dates are stored as their strings (PynamoDB reads DynamoDB numbers back as floats).
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from shared.platform.db import BaseItem


class PropertyItem(BaseItem, discriminator="property"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    address = UnicodeAttribute()  # JSON of Address
    unit_count = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class SpanAttribute(MapAttribute[str, str]):
    tenancy_id = UnicodeAttribute()
    start_on = UnicodeAttribute()
    end_on = UnicodeAttribute(null=True)


class UnitItem(BaseItem, discriminator="unit"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    property_id = UnicodeAttribute()
    label = UnicodeAttribute()
    bedrooms = NumberAttribute(null=True)
    first_occupied_on = UnicodeAttribute(null=True)
    spans = ListAttribute(of=SpanAttribute, default=list)
    version = NumberAttribute(default=1)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class UnitLabelItem(BaseItem, discriminator="unit_label"):
    unit_id = UnicodeAttribute()


class PartyAttribute(MapAttribute[str, str]):
    resident_id = UnicodeAttribute()
    lead = BooleanAttribute(default=False)


class TenancyItem(BaseItem, discriminator="tenancy"):
    id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    property_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    parties = ListAttribute(of=PartyAttribute)
    start_on = UnicodeAttribute()
    end_on = UnicodeAttribute(null=True)
    rent = UnicodeAttribute()
    rent_period = UnicodeAttribute()
    rent_due_day = NumberAttribute(null=True)
    last_increase_on = UnicodeAttribute(null=True)
    email_service_consent = BooleanAttribute(default=False)
    balance = UnicodeAttribute(default="0.00")
    future_charges = UnicodeAttribute(default="{}")  # JSON {ISO date: amount string}
    entry_count = NumberAttribute(default=0)
    last_entry_id = UnicodeAttribute(null=True)
    rent_from = UnicodeAttribute()
    rent_charged_through = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class TenancyPartyItem(BaseItem, discriminator="tenancy_party"):
    """A resident's link to one of their tenancies (the portal's "my tenancies", without an index)."""

    tenancy_id = UnicodeAttribute()
    property_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    lead = BooleanAttribute(default=False)


class LedgerEntryItem(BaseItem, discriminator="ledger_entry"):
    id = UnicodeAttribute()
    tenancy_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    category = UnicodeAttribute(null=True)
    amount = UnicodeAttribute()
    on = UnicodeAttribute()
    description = UnicodeAttribute()
    method = UnicodeAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    reverses = UnicodeAttribute(null=True)
    reverses_kind = UnicodeAttribute(null=True)
    period_start = UnicodeAttribute(null=True)
    period_end = UnicodeAttribute(null=True)
    balance_after = UnicodeAttribute()
    posted_by = UnicodeAttribute(null=True)
    posted_at = UnicodeAttribute()


class ReversalClaimItem(BaseItem, discriminator="ledger_reversal_claim"):
    reversal_id = UnicodeAttribute()


class PropertyScopeItem(BaseItem, discriminator="property_scope"):
    user_id = UnicodeAttribute()
    property_ids = ListAttribute(of=UnicodeAttribute, default=list)
    updated_at = UnicodeAttribute()
