"""Every DynamoDB key is built here, so tenant scoping is one rule in one module.

Tenant-owned items live under `C#{community_id}`: a key is only ever made from the community id
of the verified caller, so another community's item is simply not found. The few global items
(slug lookup, the platform listing) are named as such below.
"""

from __future__ import annotations

PLATFORM = "platform"  # the pseudo-community of super admins


def community_pk(community_id: str) -> str:
    if not community_id or "#" in community_id:
        raise ValueError("a community id is required and may not contain '#'")
    return f"C#{community_id}"


def community(community_id: str) -> tuple[str, str]:
    return community_pk(community_id), "COMMUNITY"


USER_PREFIX = "USER#"


def user(community_id: str, user_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{USER_PREFIX}{user_id}"


def user_email(community_id: str, email: str) -> tuple[str, str]:
    """Uniqueness and login lookup of an email within a community (emails stored lower-case)."""
    return community_pk(community_id), f"EMAIL#{email.lower()}"


def session(community_id: str, user_id: str, session_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"SESSION#{user_id}#{session_id}"


def sessions_of(community_id: str, user_id: str) -> tuple[str, str]:
    """Partition and sort-key prefix of one user's sessions."""
    return community_pk(community_id), f"SESSION#{user_id}#"


def refresh_token(community_id: str, token_hash: str) -> tuple[str, str]:
    return community_pk(community_id), f"REFRESH#{token_hash}"


def audit_pk(community_id: str) -> str:
    """One community's audit trail, sorted by time: ranges are key conditions."""
    return f"{community_pk(community_id)}#AUDIT"


def audit(community_id: str, at_iso: str, event_id: str) -> tuple[str, str]:
    return audit_pk(community_id), f"{at_iso}#{event_id}"


def mfa_challenge(community_id: str, token_hash: str) -> tuple[str, str]:
    """A pending second login step, found by the hash of its `mfa_token`."""
    return community_pk(community_id), f"MFACHALLENGE#{token_hash}"


def email_verification(community_id: str, token_hash: str) -> tuple[str, str]:
    return community_pk(community_id), f"VERIFY#{token_hash}"


def invitation(community_id: str, invitation_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"INVITE#{invitation_id}"


def invitation_token(community_id: str, token_hash: str) -> tuple[str, str]:
    """Pointer from an invitation token's hash to the invitation (rotated by resend)."""
    return community_pk(community_id), f"INVITETOKEN#{token_hash}"


def idempotency_pk(community_id: str) -> str:
    return f"{community_pk(community_id)}#IDEM"


# Global items: not tenant data, only pointers or platform listings.
def slug(slug_value: str) -> tuple[str, str]:
    return f"SLUG#{slug_value}", "SLUG"


def sms_route_pk(phone: str) -> str:
    """Which communities texted a number, so an inbound STOP (which names no community) reaches them."""
    return f"SMSROUTE#{phone}"


def sms_route(phone: str, community_id: str) -> tuple[str, str]:
    return sms_route_pk(phone), community_pk(community_id)


def rate_limit(rule: str, subject_hash: str, window_start: int) -> tuple[str, str]:
    """A fixed-window counter; subjects (IPs, emails) arrive hashed, never in clear."""
    return f"RATE#{rule}#{subject_hash}", f"W#{window_start}"


PUBLIC_IDEMPOTENCY_PK = "PUBLIC#IDEM"
COMMUNITIES_INDEX_PK = "COMMUNITIES"  # gsi1pk of every community item: the super admin's list


def template(community_id: str, template_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"TEMPLATE#{template_id}"


def message(community_id: str, message_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"MSG#{message_id}"


def messages_by_status(community_id: str, status: str) -> str:
    """gsi1pk of a community's messages in one status (gsi1sk: the message id, time-ordered)."""
    return f"{community_pk(community_id)}#MSG#{status}"


def suppression(community_id: str, channel: str, address: str) -> tuple[str, str]:
    return community_pk(community_id), f"SUPPRESS#{channel}#{address.lower()}"


def asset(community_id: str, asset_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"ASSET#{asset_id}"


def assets_in_folder(community_id: str, folder: str) -> str:
    """gsi1pk of a community's assets in one folder (gsi1sk: the asset id, time-ordered)."""
    return f"{community_pk(community_id)}#ASSETFOLDER#{folder}"
# Residents directory (issue 6). Residents, their uniqueness claims, consent history, custom field
# definitions and segments all live in the community's partition under their own sort-key prefix.
RESIDENT_PREFIX = "RES#"
CONSENT_PREFIX = "RESCONSENT#"
CUSTOM_FIELD_PREFIX = "CFIELD#"
SEGMENT_PREFIX = "SEGMENT#"


def resident(community_id: str, resident_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{RESIDENT_PREFIX}{resident_id}"


def resident_email(community_id: str, email: str) -> tuple[str, str]:
    """A resident's claim on an email within the community (lower-cased): uniqueness and lookup."""
    return community_pk(community_id), f"RESEMAIL#{email.lower()}"


def resident_phone(community_id: str, phone: str) -> tuple[str, str]:
    """A resident's claim on an E.164 phone number within the community: uniqueness and lookup."""
    return community_pk(community_id), f"RESPHONE#{phone}"


def consent_change(community_id: str, resident_id: str, at_iso: str, change_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{CONSENT_PREFIX}{resident_id}#{at_iso}#{change_id}"


def consent_history_of(community_id: str, resident_id: str) -> tuple[str, str]:
    """Partition and sort-key prefix of one resident's consent history (time order)."""
    return community_pk(community_id), f"{CONSENT_PREFIX}{resident_id}#"


def custom_field(community_id: str, field_key: str) -> tuple[str, str]:
    return community_pk(community_id), f"{CUSTOM_FIELD_PREFIX}{field_key}"


def segment(community_id: str, segment_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{SEGMENT_PREFIX}{segment_id}"


# Campaigns (issue 7). The campaign item also carries the report counters (see docs/campaigns.md);
# a campaign's messages have ids `{campaign_id}-{resident_id}`, so `begins_with(MSG#{campaign_id}-)`
# lists them without an index.
CAMPAIGN_PREFIX = "CAMPAIGN#"


def campaign(community_id: str, campaign_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{CAMPAIGN_PREFIX}{campaign_id}"


def campaign_messages(community_id: str, campaign_id: str) -> tuple[str, str]:
    """Partition and sort-key prefix of one campaign's messages."""
    return community_pk(community_id), f"MSG#{campaign_id}-"


def daily_stats(community_id: str, day: str, channel: str) -> tuple[str, str]:
    """Per-day, per-channel message counters of a community (`day` is YYYY-MM-DD, UTC)."""
    return f"{community_pk(community_id)}#STATS", f"{day}#{channel}"


# Resident imports (issue 6). One item per CSV import, in the community's partition; its id is a ULID,
# so `begins_with(IMPORT#)` lists a community's imports oldest first.
IMPORT_PREFIX = "IMPORT#"


def resident_import(community_id: str, import_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{IMPORT_PREFIX}{import_id}"


# Resident portal and account recovery (issue 12). Every secret is found by its SHA-256 only.
def magic_link(community_id: str, token_hash: str) -> tuple[str, str]:
    """A pending magic link, by the digest of its token (single use, 15 minutes)."""
    return community_pk(community_id), f"MAGICLINK#{token_hash}"


def magic_code(community_id: str, address_hash: str) -> tuple[str, str]:
    """The newest magic link's 6-digit code for one address (by the address's digest): the code path."""
    return community_pk(community_id), f"MAGICCODE#{address_hash}"


def portal_user(community_id: str, resident_id: str) -> tuple[str, str]:
    """A resident's portal user: the link is by resident id, so it survives an email change."""
    return community_pk(community_id), f"PORTALUSER#{resident_id}"


def password_reset(community_id: str, token_hash: str) -> tuple[str, str]:
    """A pending password reset, by the digest of its token (single use, 30 minutes)."""
    return community_pk(community_id), f"PWRESET#{token_hash}"


def account_request(community_id: str, request_id: str) -> tuple[str, str]:
    """Marks an account-mail request handled, so a redelivered queue message sends nothing twice."""
    return community_pk(community_id), f"ACCTREQ#{request_id}"


def messages_of_resident(community_id: str, resident_id: str) -> str:
    """gsi2pk of the messages sent to one resident (gsi2sk: created_at#message id, newest last)."""
    return f"{community_pk(community_id)}#RESMSG#{resident_id}"


def messages_about(community_id: str, related: str) -> tuple[str, str]:
    """Partition and sort-key prefix of the pointers to every message about `related` (`type:id`)."""
    return community_pk(community_id), f"MSGREL#{related}#"


def message_about(community_id: str, related: str, message_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"MSGREL#{related}#{message_id}"


# Intake forms, rental applications and onboarding (issue 15). Form versions are immutable items whose
# sort key sorts by version (zero-padded), so the newest is one descending query of length 1.
INTAKE_FORM_PREFIX = "INTAKEFORM#"
APPLICATION_PREFIX = "APP#"


def intake_form_version(community_id: str, version: int | str) -> tuple[str, str]:
    return community_pk(community_id), f"{INTAKE_FORM_PREFIX}{str(version).zfill(6)}"


def application(community_id: str, application_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{APPLICATION_PREFIX}{application_id}"


def applications_by_status(community_id: str, status: str) -> str:
    """gsi1pk of a community's applications in one status (gsi1sk: the application id, time-ordered)."""
    return f"{community_pk(community_id)}#APP#{status}"


def onboarding(community_id: str) -> tuple[str, str]:
    """The community's onboarding progress: one item, one attribute pair per step."""
    return community_pk(community_id), "ONBOARDING"

# Failed-login counters of accounts that do not exist (issue 17, part 5). A login to an unknown
# community or email counts its failures and locks like a real account, so AUTH_LOCKED after five
# wrong tries tells nothing about existence. The subject (community key + email) arrives hashed.
def phantom_login(subject_hash: str) -> tuple[str, str]:
    return f"PHANTOM#{subject_hash}", "LOGIN"


# Property operations (issue 11): properties, units, tenancies, the rent ledger, property scopes.
# Properties, units and tenancies live in the community's partition (GetItem by id); units and
# tenancies are also listed per property on GSI1. A tenancy's ledger is its own partition, so its
# entries page in posting order without touching anything else. See docs/properties.md.
PROPERTY_PREFIX = "PROP#"
UNIT_PREFIX = "UNIT#"
TENANCY_PREFIX = "TENANCY#"
LEDGER_ENTRY_PREFIX = "E#"
OPEN_ENDED = "9999-12-31"  # gsi1sk of a tenancy without an end date sorts after every real date


def property_item(community_id: str, property_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{PROPERTY_PREFIX}{property_id}"


def unit(community_id: str, unit_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{UNIT_PREFIX}{unit_id}"


def units_of_property(community_id: str, property_id: str) -> str:
    """gsi1pk of a property's units (gsi1sk: `UNIT#{unit id}`, creation order)."""
    return f"{community_pk(community_id)}#PROP#{property_id}#UNITS"


def unit_label(community_id: str, property_id: str, label: str) -> tuple[str, str]:
    """A unit's claim on its label within its property (case-folded): labels are unique per property."""
    return community_pk(community_id), f"UNITLABEL#{property_id}#{label.casefold()}"


def tenancy(community_id: str, tenancy_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{TENANCY_PREFIX}{tenancy_id}"


def tenancies_of_property(community_id: str, property_id: str) -> str:
    """gsi1pk of a property's tenancies; gsi1sk `{end_on or OPEN_ENDED}#{tenancy id}`, so the
    tenancies not ended by a date are one key range (`gsi1sk >= date`): the rent job and the
    resident balances read only those, however many ended tenancies a property accumulates."""
    return f"{community_pk(community_id)}#PROP#{property_id}#TENANCIES"


def tenancy_party(community_id: str, resident_id: str, tenancy_id: str) -> tuple[str, str]:
    """A resident's link to a tenancy they are a party to (written with the tenancy)."""
    return community_pk(community_id), f"RESTENANCY#{resident_id}#{tenancy_id}"


def tenancies_of_resident(community_id: str, resident_id: str) -> tuple[str, str]:
    """Partition and sort-key prefix of one resident's tenancy links."""
    return community_pk(community_id), f"RESTENANCY#{resident_id}#"


def ledger_pk(community_id: str, tenancy_id: str) -> str:
    """One tenancy's rent ledger: entries `E#{entry id}` (ULIDs, strictly increasing per tenancy)."""
    return f"{community_pk(community_id)}#TENANCY#{tenancy_id}#LEDGER"


def ledger_entry(community_id: str, tenancy_id: str, entry_id: str) -> tuple[str, str]:
    return ledger_pk(community_id, tenancy_id), f"{LEDGER_ENTRY_PREFIX}{entry_id}"


def ledger_reversal_claim(community_id: str, tenancy_id: str, entry_id: str) -> tuple[str, str]:
    """Written with the reversal of `entry_id`, on condition it does not exist: one reversal per entry."""
    return ledger_pk(community_id, tenancy_id), f"REVERSED#{entry_id}"


def property_scope(community_id: str, user_id: str) -> tuple[str, str]:
    """The properties a manager or property owner is assigned (PUT /v1/users/{id}/properties)."""
    return community_pk(community_id), f"PROPSCOPE#{user_id}"


# --- outbox lanes (issue 16) ----------------------------------------------------------------------


def send_ledger() -> tuple[str, str]:
    """The platform-wide count of priority-lane sends, which bulk workers yield to (shared.messaging.pacing).
    Global, not tenant-owned: it holds one number and no community's data."""
    return "PACING#SES", "PRIORITY_SENDS"


# Ontario notices and their reminders (issue 14). A notice lives in the community's partition and is
# listed per property on GSI1. Its reminders are items of the notice (`REMINDER#{notice}#{kind:due_on}`,
# read with it and cancelled with it); GSI1 keys them by status then due date, so the reminder job reads
# exactly the pending ones due by today (one key range) and the reminder centre pages by due date.
# A served notice's date of effect is a marker item `NOTICEEFF#{date}#{id}`: the job's range read of
# the markers due by today finds the notices to turn `effective` without reading any other notice.
NOTICE_PREFIX = "NOTICE#"
REMINDER_PREFIX = "REMINDER#"
NOTICE_EFFECT_PREFIX = "NOTICEEFF#"


def notice(community_id: str, notice_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{NOTICE_PREFIX}{notice_id}"


def notices_of_property(community_id: str, property_id: str) -> str:
    """gsi1pk of a property's notices (gsi1sk: `NOTICE#{id}`, ULIDs, so oldest first)."""
    return f"{community_pk(community_id)}#NOTICES#{property_id}"


def reminder(community_id: str, notice_id: str, key: str) -> tuple[str, str]:
    """One reminder of a notice; `key` is the rules' stable `kind:due_on`."""
    return community_pk(community_id), f"{REMINDER_PREFIX}{notice_id}#{key}"


def reminders_of_notice(community_id: str, notice_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{REMINDER_PREFIX}{notice_id}#"


def reminders_index(community_id: str) -> str:
    """gsi1pk of a community's reminders; gsi1sk `{status}#{due_on}#{notice_id}#{key}`."""
    return f"{community_pk(community_id)}#REMINDERS"


def notice_effect(community_id: str, effective_on: str, notice_id: str) -> tuple[str, str]:
    """Marker of a served notice's date of effect; deleted once it turns effective, or is voided/completed."""
    return community_pk(community_id), f"{NOTICE_EFFECT_PREFIX}{effective_on}#{notice_id}"


# Work orders (issue 13). An order lives in the community's partition (GetItem by id; the
# community-wide list is the `WO#` key range, newest first) and on GSI1 per property (a scoped
# caller's list queries only its properties' ranges). Its events and comments are its own
# partition, so its history pages without touching anything else. See docs/work-orders.md.
WORK_ORDER_PREFIX = "WO#"
WORK_ORDER_EVENT_PREFIX = "EV#"
WORK_ORDER_COMMENT_PREFIX = "CM#"


def work_order(community_id: str, work_order_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{WORK_ORDER_PREFIX}{work_order_id}"


def work_orders_of_property(community_id: str, property_id: str) -> str:
    """gsi1pk of a property's work orders (gsi1sk: the order id, a ULID: creation order)."""
    return f"{community_pk(community_id)}#PROP#{property_id}#WO"


def work_order_number(community_id: str) -> tuple[str, str]:
    """The community's work-order counter: `number` is taken with an atomic ADD (no race)."""
    return community_pk(community_id), "WONUMBER"


def work_order_log_pk(community_id: str, work_order_id: str) -> str:
    """One order's history: events `EV#{event id}` and comments `CM#{comment id}` (ULIDs)."""
    return f"{community_pk(community_id)}#WO#{work_order_id}"


def work_order_event(community_id: str, work_order_id: str, event_id: str) -> tuple[str, str]:
    return work_order_log_pk(community_id, work_order_id), f"{WORK_ORDER_EVENT_PREFIX}{event_id}"


def work_order_comment(community_id: str, work_order_id: str, comment_id: str) -> tuple[str, str]:
    return work_order_log_pk(community_id, work_order_id), f"{WORK_ORDER_COMMENT_PREFIX}{comment_id}"


def property_health_pk(community_id: str, property_id: str) -> str:
    """A property's work-order counter rows (issue 13): sk `{YYYY-MM}#{category}`, at most 96 a year,
    so the health read is one Query however many orders there were."""
    return f"{community_pk(community_id)}#PROP#{property_id}#HEALTH"


def property_health_row(community_id: str, property_id: str, month: str, category: str) -> tuple[str, str]:
    return property_health_pk(community_id, property_id), f"{month}#{category}"


# The property's record of seasonal work (issue 13): in the health partition under `SEASONAL`, which sorts
# after every `YYYY-MM#…` counter row, so the health read's one Query (`sk >= since month`) returns it too.
PROPERTY_SEASONAL_SK = "SEASONAL"


def property_seasonal(community_id: str, property_id: str) -> tuple[str, str]:
    return property_health_pk(community_id, property_id), PROPERTY_SEASONAL_SK


# Work-order attachments (issue 13). An attachment lives in the community's partition under its own id
# (`WOFILE#{id}`), because the upload verifier knows only the object key's community and attachment id;
# its order's attachments are one GSI1 range (`C#{cid}#WO#{order id}#FILES`, gsi1sk the attachment id).
WORK_ORDER_FILE_PREFIX = "WOFILE#"


def work_order_file(community_id: str, attachment_id: str) -> tuple[str, str]:
    return community_pk(community_id), f"{WORK_ORDER_FILE_PREFIX}{attachment_id}"


def work_order_files(community_id: str, work_order_id: str) -> str:
    """gsi1pk of one order's attachments (gsi1sk: the attachment id, a ULID: upload order)."""
    return f"{community_pk(community_id)}#WO#{work_order_id}#FILES"
