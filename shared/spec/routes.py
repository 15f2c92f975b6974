"""The route table: every HTTP endpoint, declared once.

From this list the CDK app makes one Lambda function and one HTTP API route per entry (behind the
authorizer unless `public`), the local runtime routes requests, the handlers register themselves
(`shared.platform.http.endpoint`), and the OpenAPI document is assembled. Request and response
models are the type hints of the handler function, so they are declared once too.

Adding an endpoint = one handler module under `functions/api/` + one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.spec.grants import Grant
from shared.spec.permissions import Permission


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway syntax: /v1/things/{id}
    handler: str  # module holding `handler`
    permission: Permission | None  # None only for public routes
    domain: str  # OpenAPI tag and the nested stack that holds the function
    summary: str
    grants: tuple[Grant, ...] = ()
    status: int = 200
    public: bool = False
    # Reachable with the restricted token a user gets while MFA enrollment is pending.
    allow_pending_mfa: bool = False
    # Honours `Idempotency-Key` (the contract: every POST that creates or sends).
    idempotent: bool = False
    memory_mb: int = 256
    timeout_s: int = 10
    media_type: str = "application/json"  # of the success answer (tracking serves a GIF and HTML)
    also_media_types: tuple[str, ...] = ()  # other types the success answer may have (by a query option)

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def name(self) -> str:
        """Stable identifier: the handler module without the package prefix."""
        return self.handler.removeprefix("functions.api.").replace(".", "-").replace("_", "-")


_R = Grant.TABLE_READ
_W = Grant.TABLE_WRITE
_KEY = Grant.SIGNING_KEY_READ
_AUDIT = Grant.AUDIT_QUEUE_SEND
_PRIORITY = Grant.PRIORITY_OUTBOX_SEND  # system mail and one-off messages (issue 16: outbox lanes)
_LANES = (Grant.PRIORITY_OUTBOX_SEND, Grant.OUTBOX_QUEUE_SEND)  # retries: a campaign's messages go to bulk
_COMMS = Permission.COMMS_MANAGE
_MANAGE = Permission.COMMUNITY_MANAGE
_ANY = Permission.AUTHENTICATED
_REPORTS = Permission.REPORTS_READ
_CAMPAIGNS = Grant.CAMPAIGNS_QUEUE_SEND
_SCHEDULES = Grant.SCHEDULES_MANAGE
_MFA = Grant.MFA_KEY_USE
_ASSETS_MANAGE = Permission.ASSETS_MANAGE
_ASSETS_READ = Permission.ASSETS_READ
_UPLOAD = Grant.ASSET_OBJECTS_UPLOAD  # the presigned POST is signed with the function's credentials
_GET_OBJECT = Grant.ASSET_OBJECTS_READ  # so is the presigned GET
_DELETE_OBJECT = Grant.ASSET_OBJECTS_DELETE

ROUTES: tuple[Route, ...] = (
    Route("GET", "/v1/health", "functions.api.health", None, "platform", "Liveness and version",
          public=True),
    Route("GET", "/v1/openapi.json", "functions.api.openapi", None, "platform",
          "This API's OpenAPI 3.1 document", public=True),
    Route("POST", "/v1/auth/signup", "functions.api.auth.signup", None, "identity",
          "Create a community and its first admin (a verification mail goes out)",
          grants=(_W, _KEY, _AUDIT, _PRIORITY), status=201, public=True, idempotent=True, memory_mb=1024),
    Route("POST", "/v1/auth/login", "functions.api.auth.login", None, "identity",
          "Sign in with community slug, email and password (then MFA when enrolled)", grants=(_W, _KEY, _AUDIT),
          public=True, memory_mb=1024),
    Route("POST", "/v1/auth/mfa/verify", "functions.api.auth.mfa_verify", None, "identity",
          "Second login step: a TOTP code or a backup code", grants=(_W, _KEY, _AUDIT, _MFA), public=True),
    Route("POST", "/v1/auth/mfa/totp/setup", "functions.api.auth.totp_setup", _ANY, "identity",
          "Start TOTP enrollment: secret, otpauth URI and QR code", grants=(_W, _AUDIT, _MFA),
          allow_pending_mfa=True),
    Route("POST", "/v1/auth/mfa/totp/confirm", "functions.api.auth.totp_confirm", _ANY, "identity",
          "Activate TOTP with a code; returns ten backup codes once", grants=(_W, _AUDIT, _MFA),
          allow_pending_mfa=True),
    Route("POST", "/v1/auth/mfa/backup-codes", "functions.api.auth.backup_codes", _ANY, "identity",
          "Replace the backup codes (needs a TOTP code)", grants=(_W, _AUDIT, _MFA), allow_pending_mfa=True),
    Route("POST", "/v1/auth/mfa/totp/disable", "functions.api.auth.totp_disable", _ANY, "identity",
          "Turn MFA off (403 where the role requires it)", grants=(_W, _AUDIT, _MFA), status=204,
          allow_pending_mfa=True),
    Route("POST", "/v1/auth/verify-email", "functions.api.auth.verify_email", None, "identity",
          "Confirm an email address with the mailed token", grants=(_W, _AUDIT), public=True),
    Route("POST", "/v1/auth/verify-email/resend", "functions.api.auth.verify_email_resend", _ANY, "identity",
          "Mail a new verification link", grants=(_W, _KEY, _AUDIT, _PRIORITY), status=204,
          allow_pending_mfa=True),
    Route("POST", "/v1/auth/invitations/accept", "functions.api.auth.invitation_accept", None, "identity",
          "Accept an invitation: create the account and sign in", grants=(_W, _KEY, _AUDIT), public=True,
          memory_mb=1024),
    Route("POST", "/v1/auth/refresh", "functions.api.auth.refresh", None, "identity",
          "Rotate a refresh token for a new token pair", grants=(_W, _KEY, _AUDIT), public=True),
    Route("POST", "/v1/auth/logout", "functions.api.auth.logout", Permission.AUTHENTICATED, "identity",
          "End the caller's session", grants=(_W, _AUDIT), status=204, allow_pending_mfa=True),
    Route("GET", "/v1/auth/sessions", "functions.api.auth.sessions_list", Permission.AUTHENTICATED,
          "identity", "The caller's active sessions", grants=(_R,)),
    Route("DELETE", "/v1/auth/sessions/{id}", "functions.api.auth.sessions_revoke",
          Permission.AUTHENTICATED, "identity", "Revoke one of the caller's sessions",
          grants=(_W, _AUDIT), status=204),
    Route("GET", "/v1/me", "functions.api.me", Permission.AUTHENTICATED, "identity",
          "The signed-in user and their community", grants=(_R,), allow_pending_mfa=True),
    Route("GET", "/v1/community", "functions.api.community.get", Permission.AUTHENTICATED, "identity",
          "The caller's community", grants=(_R,)),
    Route("PATCH", "/v1/community", "functions.api.community.update", _MANAGE, "identity",
          "Change name, time zone, MFA policy, sender or branding", grants=(_W, _AUDIT)),
    Route("POST", "/v1/users/invitations", "functions.api.users.invite", Permission.USERS_INVITE, "identity",
          "Invite someone with a role (mails a 7-day link)", grants=(_W, _KEY, _AUDIT, _PRIORITY), status=201,
          idempotent=True),
    Route("GET", "/v1/users/invitations", "functions.api.users.invitations_list", _MANAGE, "identity",
          "The community's invitations", grants=(_R, _KEY)),
    Route("POST", "/v1/users/invitations/{id}/resend", "functions.api.users.invitation_resend",
          Permission.USERS_INVITE,
          "identity", "Resend an invitation with a new link", grants=(_W, _KEY, _AUDIT, _PRIORITY)),
    Route("DELETE", "/v1/users/invitations/{id}", "functions.api.users.invitation_revoke", _MANAGE, "identity",
          "Withdraw a pending invitation", grants=(_W, _AUDIT), status=204),
    Route("GET", "/v1/users", "functions.api.users.list", _MANAGE, "identity",
          "The community's users", grants=(_R, _KEY)),
    Route("PATCH", "/v1/users/{id}", "functions.api.users.update", _MANAGE, "identity",
          "Change a user's role or status (ends their sessions)", grants=(_W, _AUDIT)),
    Route("GET", "/v1/audit", "functions.api.audit.list", _MANAGE, "identity",
          "The audit trail by actor, action and time", grants=(_R, _KEY)),
    Route("GET", "/v1/audit/export", "functions.api.audit.export", _MANAGE, "identity",
          "The audit trail as JSON Lines or CSV", grants=(_R, _KEY), timeout_s=29, memory_mb=512,
          media_type="application/x-ndjson", also_media_types=("text/csv",)),
    Route("GET", "/v1/admin/communities", "functions.api.admin.communities", Permission.PLATFORM_ADMIN,
          "identity", "Every community (super admin)", grants=(_R, _KEY)),
    # Templates
    Route("POST", "/v1/templates", "functions.api.templates.create", _COMMS, "templates",
          "Create a message template", grants=(_W,), status=201, idempotent=True),
    Route("GET", "/v1/templates", "functions.api.templates.list", _COMMS, "templates",
          "List the community's templates", grants=(_R, _KEY)),
    Route("GET", "/v1/templates/{id}", "functions.api.templates.get", _COMMS, "templates",
          "One template", grants=(_R,)),
    Route("PATCH", "/v1/templates/{id}", "functions.api.templates.update", _COMMS, "templates",
          "Edit a template (its version increments)", grants=(_W,)),
    Route("DELETE", "/v1/templates/{id}", "functions.api.templates.delete", _COMMS, "templates",
          "Delete a template (409 while a scheduled campaign uses it)", grants=(_W,), status=204),
    Route("POST", "/v1/templates/{id}/preview", "functions.api.templates.preview", _COMMS, "templates",
          "Render a template with variables or a resident", grants=(_R,)),
    # Messages (the outbox)
    Route("POST", "/v1/messages", "functions.api.messages.create", Permission.COMMS_SEND, "messaging",
          "Queue one email or SMS", grants=(_W, _KEY, _PRIORITY, _AUDIT), status=202, idempotent=True),
    Route("GET", "/v1/messages", "functions.api.messages.list", Permission.MESSAGES_READ, "messaging",
          "List messages by status, channel or campaign", grants=(_R, _KEY)),
    Route("GET", "/v1/messages/{id}", "functions.api.messages.get", Permission.MESSAGES_READ, "messaging",
          "One message with its events", grants=(_R,)),
    Route("POST", "/v1/messages/{id}/retry", "functions.api.messages.retry", _COMMS, "messaging",
          "Requeue a failed message", grants=(_W, *_LANES, _AUDIT), status=202),
    Route("POST", "/v1/messages/retry-failed", "functions.api.messages.retry_failed", _COMMS, "messaging",
          "Requeue every failed message (of a campaign)", grants=(_W, *_LANES, _AUDIT), status=202),
    # Campaigns and reports
    Route("POST", "/v1/campaigns", "functions.api.campaigns.create", _COMMS, "campaigns",
          "Create a draft campaign", grants=(_W,), status=201, idempotent=True),
    Route("GET", "/v1/campaigns", "functions.api.campaigns.list", _COMMS, "campaigns",
          "List campaigns, newest first", grants=(_R, _KEY)),
    Route("GET", "/v1/campaigns/{id}", "functions.api.campaigns.get", _COMMS, "campaigns",
          "One campaign with its stats", grants=(_R,)),
    Route("PATCH", "/v1/campaigns/{id}", "functions.api.campaigns.update", _COMMS, "campaigns",
          "Edit a draft or scheduled campaign (or move its send time)", grants=(_W, _SCHEDULES)),
    Route("DELETE", "/v1/campaigns/{id}", "functions.api.campaigns.delete", _COMMS, "campaigns",
          "Delete a draft or scheduled campaign", grants=(_W, _SCHEDULES), status=204),
    Route("POST", "/v1/campaigns/{id}/audience/preview", "functions.api.campaigns.preview", _COMMS, "campaigns",
          "Count the audience and who would be excluded", grants=(_R,), memory_mb=512, timeout_s=20),
    Route("POST", "/v1/campaigns/{id}/send", "functions.api.campaigns.send", Permission.COMMS_SEND, "campaigns",
          "Send now, or schedule for send_at", grants=(_W, _CAMPAIGNS, _SCHEDULES, _AUDIT), status=202,
          idempotent=True),
    Route("POST", "/v1/campaigns/{id}/cancel", "functions.api.campaigns.cancel", _COMMS, "campaigns",
          "Cancel a draft or scheduled campaign", grants=(_W, _SCHEDULES, _AUDIT)),
    Route("GET", "/v1/campaigns/{id}/recipients", "functions.api.campaigns.recipients", _REPORTS, "campaigns",
          "The campaign's messages, by status", grants=(_R, _KEY)),
    Route("GET", "/v1/campaigns/{id}/recipients.csv", "functions.api.campaigns.recipients_csv", _REPORTS,
          "campaigns", "The recipients log as CSV", grants=(_R,), timeout_s=29, memory_mb=512, media_type="text/csv"),
    Route("POST", "/v1/campaigns/{id}/retry-failed", "functions.api.campaigns.retry_failed", _COMMS, "campaigns",
          "Requeue the campaign's failed messages", grants=(_W, *_LANES, _AUDIT), status=202),
    Route("GET", "/v1/campaigns/{id}/report", "functions.api.campaigns.report", _REPORTS, "campaigns",
          "Unique per-recipient counts", grants=(_R,)),
    Route("GET", "/v1/reports/communications", "functions.api.reports.communications", _REPORTS, "campaigns",
          "Totals by status and channel over a date range, and per campaign", grants=(_R,), timeout_s=20),
    Route("GET", "/v1/admin/communities/{id}/messages", "functions.api.admin.messages", Permission.PLATFORM_ADMIN,
          "campaigns", "A community's messages, e.g. the failed ones (super admin)", grants=(_R, _KEY)),
    Route("POST", "/v1/admin/communities/{id}/messages/retry-failed", "functions.api.admin.retry_failed",
          Permission.PLATFORM_ADMIN, "campaigns", "Requeue a community's failed messages (super admin)",
          grants=(_W, *_LANES, _AUDIT), status=202),
    Route("POST", "/v1/admin/communities/{id}/messages/{mid}/retry", "functions.api.admin.retry",
          Permission.PLATFORM_ADMIN, "campaigns", "Requeue one failed message of a community (super admin)",
          grants=(_W, *_LANES, _AUDIT), status=202),
    # Suppressions
    Route("GET", "/v1/suppressions", "functions.api.suppressions.list", _COMMS, "messaging",
          "Addresses that will not be sent to", grants=(_R, _KEY)),
    Route("POST", "/v1/suppressions", "functions.api.suppressions.create", _COMMS, "messaging",
          "Suppress an address by hand", grants=(_W, _AUDIT), status=201, idempotent=True),
    Route("DELETE", "/v1/suppressions/{channel}/{address}", "functions.api.suppressions.delete", _COMMS,
          "messaging", "Lift a suppression", grants=(_W, _AUDIT), status=204),
    # Tracking and unsubscribe (public, signed tokens)
    Route("GET", "/v1/t/open/{token}", "functions.api.tracking.open", None, "tracking",
          "Open pixel: records the first open", grants=(_W, _KEY), public=True, media_type="image/gif"),
    Route("GET", "/v1/t/click/{token}", "functions.api.tracking.click", None, "tracking",
          "Click redirect to the signed link: records the first click", grants=(_W, _KEY), status=302,
          public=True),
    Route("GET", "/v1/unsubscribe/{token}", "functions.api.tracking.unsubscribe_page", None, "tracking",
          "Unsubscribe confirmation page", grants=(_R, _KEY), public=True, media_type="text/html"),
    Route("POST", "/v1/unsubscribe/{token}", "functions.api.tracking.unsubscribe", None, "tracking",
          "Unsubscribe (RFC 8058 one-click)", grants=(_W, _KEY, _AUDIT), public=True, media_type="text/html"),
    # Assets (files in S3: presigned POST up, presigned GET down)
    Route("POST", "/v1/assets", "functions.api.assets.create", _ASSETS_MANAGE, "assets",
          "Announce a file: the pending asset and a presigned POST bound to its key, type and size",
          grants=(_W, _UPLOAD, _AUDIT), status=201, idempotent=True),
    Route("GET", "/v1/assets", "functions.api.assets.list", _ASSETS_READ, "assets",
          "The assets the caller may see, by folder or tag", grants=(_R, _KEY)),
    Route("GET", "/v1/assets/{id}", "functions.api.assets.get", _ASSETS_READ, "assets",
          "One asset the caller may see", grants=(_R,)),
    Route("PATCH", "/v1/assets/{id}", "functions.api.assets.update", _ASSETS_MANAGE, "assets",
          "Rename, move, retag or change an asset's visibility", grants=(_W,)),
    Route("DELETE", "/v1/assets/{id}", "functions.api.assets.delete", _ASSETS_MANAGE, "assets",
          "Delete an asset and its file", grants=(_W, _DELETE_OBJECT, _AUDIT), status=204),
    Route("GET", "/v1/assets/{id}/download", "functions.api.assets.download", _ASSETS_READ, "assets",
          "A 5-minute download URL of a ready asset the caller may see", grants=(_R, _GET_OBJECT)),
)


def by_handler(module: str) -> Route:
    for route in ROUTES:
        if route.handler == module:
            return route
    raise LookupError(f"no route in the table is served by {module}")


# Residents directory (issue 6): residents, custom fields, segments. Appended so merges stay easy.
_RR = Permission.RESIDENTS_READ
_RW = Permission.RESIDENTS_WRITE

ROUTES += (
    Route("POST", "/v1/residents", "functions.api.residents.create", _RW, "residents",
          "Add a resident (409 when the email or phone is another resident's)", grants=(_W, _AUDIT), status=201,
          idempotent=True),
    Route("GET", "/v1/residents", "functions.api.residents.list", _RR, "residents",
          "List residents: role, status, tag, unit filters and name/email prefix search", grants=(_R, _KEY),
          memory_mb=512, timeout_s=20),
    Route("GET", "/v1/residents.csv", "functions.api.residents.export", Permission.RESIDENTS_EXPORT, "residents",
          "Export residents as CSV (admins; spreadsheet formulas neutralised)", grants=(_R,), memory_mb=1024,
          timeout_s=29, media_type="text/csv"),
    Route("GET", "/v1/residents/{id}", "functions.api.residents.get", _RR, "residents", "One resident",
          grants=(_R,)),
    Route("PATCH", "/v1/residents/{id}", "functions.api.residents.update", _RW, "residents",
          "Edit a resident (consent changes are recorded)", grants=(_W, _AUDIT)),
    Route("DELETE", "/v1/residents/{id}", "functions.api.residents.delete", _RW, "residents",
          "Delete a resident and free its email and phone", grants=(_W, _AUDIT), status=204),
    Route("GET", "/v1/residents/{id}/consent-history", "functions.api.residents.consent_history", _RR,
          "residents", "A resident's marketing consent changes, newest first", grants=(_R, _KEY)),
    Route("GET", "/v1/custom-fields", "functions.api.custom_fields.list", _RR, "residents",
          "The community's custom resident fields", grants=(_R,)),
    Route("POST", "/v1/custom-fields", "functions.api.custom_fields.create", _RW, "residents",
          "Define a custom resident field", grants=(_W,), status=201, idempotent=True),
    Route("PATCH", "/v1/custom-fields/{key}", "functions.api.custom_fields.update", _RW, "residents",
          "Change a custom field's label, required flag or options", grants=(_W,)),
    Route("DELETE", "/v1/custom-fields/{key}", "functions.api.custom_fields.delete", _RW, "residents",
          "Remove a custom field definition", grants=(_W,), status=204),
    Route("POST", "/v1/segments", "functions.api.segments.create", _RW, "residents",
          "Save a named resident filter", grants=(_W,), status=201, idempotent=True),
    Route("GET", "/v1/segments", "functions.api.segments.list", _RR, "residents", "The community's segments",
          grants=(_R, _KEY)),
    Route("GET", "/v1/segments/{id}", "functions.api.segments.get", _RR, "residents", "One segment",
          grants=(_R,)),
    Route("PATCH", "/v1/segments/{id}", "functions.api.segments.update", _RW, "residents", "Edit a segment",
          grants=(_W,)),
    Route("DELETE", "/v1/segments/{id}", "functions.api.segments.delete", _RW, "residents", "Delete a segment",
          grants=(_W,), status=204),
    Route("GET", "/v1/segments/{id}/preview", "functions.api.segments.preview", _RR, "residents",
          "Count and sample of the residents a segment selects", grants=(_R,), memory_mb=512, timeout_s=20),
    # Resident imports: a presigned POST for the CSV (imports prefix only); the worker does the rest.
    Route("POST", "/v1/residents/imports", "functions.api.residents.imports_create", _RW, "residents",
          "Start a CSV import: the pending import and a presigned POST for the file (CSV, at most 10 MB)",
          grants=(_W, Grant.IMPORT_OBJECTS_UPLOAD, _AUDIT), status=201, idempotent=True),
    Route("GET", "/v1/residents/imports/{id}", "functions.api.residents.imports_get", _RR, "residents",
          "An import's status, counts and row errors", grants=(_R,)),
)


# Resident portal and account recovery (issue 12). Appended so merges stay easy. The public account-mail
# routes only count rate limits and queue the request (no lookups: the same calls for any address).
_ACCOUNT_MAIL = Grant.ACCOUNT_MAIL_QUEUE_SEND

ROUTES += (
    Route("POST", "/v1/auth/magic-link", "functions.api.auth.magic_link", None, "identity",
          "A resident asks for a sign-in link and code (202 whether or not the address is known)",
          grants=(_W, _ACCOUNT_MAIL), status=202, public=True),
    Route("POST", "/v1/auth/magic-link/verify", "functions.api.auth.magic_link_verify", None, "identity",
          "Sign a resident in with the mailed link's token, or with community, email and code",
          grants=(_W, _KEY, _AUDIT), public=True),
    Route("POST", "/v1/auth/password/forgot", "functions.api.auth.password_forgot", None, "identity",
          "Ask for a password reset link (202 whether or not the account exists)",
          grants=(_W, _ACCOUNT_MAIL), status=202, public=True),
    Route("POST", "/v1/auth/password/reset", "functions.api.auth.password_reset", None, "identity",
          "Choose a new password with the mailed token; every session of the account ends",
          grants=(_W, _AUDIT), public=True, memory_mb=1024),
    Route("POST", "/v1/residents/{id}/portal-invite", "functions.api.residents.portal_invite",
          Permission.PORTAL_INVITE, "residents", "Mail an owner or tenant their portal sign-in link and code",
          grants=(_W, _ACCOUNT_MAIL), status=202, idempotent=True),
)

# Work orders (issue 13), first slice: triage only, which saves nothing. Appended so merges stay easy.
ROUTES += (
    Route("POST", "/v1/work-orders/triage", "functions.api.work_orders.triage", Permission.WORK_ORDERS_CREATE,
          "work_orders", "Triage a problem: severity, reasons and what to do first (nothing is saved)",
          grants=(_R,)),
)

# Intake forms, rental applications and onboarding (issue 15). Appended so merges stay easy.
# The conversion makes a tenancy through the properties domain (shared/intake/tenancies.py).
_INTAKE = Permission.INTAKE_MANAGE

ROUTES += (
    Route("GET", "/v1/intake-form", "functions.api.intake.form_get", _INTAKE, "intake",
          "The current intake form: version, schema, UI schema (version 1 is the default form)", grants=(_W,)),
    Route("PUT", "/v1/intake-form", "functions.api.intake.form_put", _INTAKE, "intake",
          "Save a new version of the intake form (422 names each disallowed keyword by its JSON pointer)",
          grants=(_W, _AUDIT)),
    Route("GET", "/v1/intake-form/versions/{version}", "functions.api.intake.form_version", _INTAKE, "intake",
          "One version of the intake form (every version is kept)", grants=(_W,)),
    Route("GET", "/v1/public/{slug}/intake-form", "functions.api.intake.public_form", None, "intake",
          "The community's current intake form, for applicants", grants=(_W,), public=True),
    Route("POST", "/v1/public/{slug}/applications", "functions.api.intake.public_apply", None, "intake",
          "Submit a rental application on a form version (limits per IP and per address)",
          grants=(_W, _AUDIT, _PRIORITY), status=201, public=True, idempotent=True, memory_mb=512),
    Route("GET", "/v1/applications", "functions.api.intake.applications_list", _INTAKE, "intake",
          "The community's applications, newest first, by status", grants=(_R, _KEY)),
    Route("GET", "/v1/applications/{id}", "functions.api.intake.applications_get", _INTAKE, "intake",
          "One application with its answers and form version", grants=(_R,)),
    Route("PATCH", "/v1/applications/{id}", "functions.api.intake.applications_update", _INTAKE, "intake",
          "Move an application to reviewing, approved or declined (audited)", grants=(_W, _AUDIT)),
    Route("POST", "/v1/applications/{id}/convert", "functions.api.intake.applications_convert", _INTAKE, "intake",
          "Convert an approved application: its applicant a tenant resident, the lead party of a new tenancy",
          grants=(_W, _AUDIT), status=201, idempotent=True),
    Route("GET", "/v1/onboarding", "functions.api.onboarding.get", _MANAGE, "onboarding",
          "The onboarding wizard's steps and whether every one is done or skipped", grants=(_R,)),
    Route("PATCH", "/v1/onboarding/steps/{key}", "functions.api.onboarding.step_update", _MANAGE, "onboarding",
          "Mark an onboarding step done, skip it, or reopen it", grants=(_W, _AUDIT)),
)

# Property operations (issue 11): properties, units, tenancies, the rent ledger, property assignments.
# Route permissions say which roles may call; which properties they reach is shared.properties.scope's.
_PR = Permission.PROPERTIES_READ
_PW = Permission.PROPERTIES_WRITE
_TR = Permission.TENANCIES_READ
_LEDGER = Grant.LEDGER_EVENTS_SEND  # postings that lower what is owed tell the notices (issue 14)

ROUTES += (
    Route("POST", "/v1/properties", "functions.api.properties.create", _PW, "properties",
          "Create a property (callers limited to some properties may not)", grants=(_W, _AUDIT), status=201,
          idempotent=True),
    Route("GET", "/v1/properties", "functions.api.properties.list", _PR, "properties",
          "The properties the caller reaches, oldest first", grants=(_R, _KEY)),
    Route("GET", "/v1/properties/{id}", "functions.api.properties.get", _PR, "properties", "One property",
          grants=(_R,)),
    Route("PATCH", "/v1/properties/{id}", "functions.api.properties.update", _PW, "properties",
          "Rename a property or change its kind or address", grants=(_W, _AUDIT)),
    Route("DELETE", "/v1/properties/{id}", "functions.api.properties.delete", _PW, "properties",
          "Delete a property (409 while it has units)", grants=(_W, _AUDIT), status=204),
    Route("POST", "/v1/properties/{id}/units", "functions.api.properties.units_create", _PW, "properties",
          "Add a unit (409 when its label is taken in the property)", grants=(_W, _AUDIT), status=201,
          idempotent=True),
    Route("GET", "/v1/properties/{id}/units", "functions.api.properties.units_list", _PR, "properties",
          "A property's units, oldest first", grants=(_R, _KEY)),
    Route("GET", "/v1/units/{id}", "functions.api.units.get", _PR, "properties", "One unit", grants=(_R,)),
    Route("PATCH", "/v1/units/{id}", "functions.api.units.update", _PW, "properties",
          "Relabel a unit or change its details", grants=(_W, _AUDIT)),
    Route("DELETE", "/v1/units/{id}", "functions.api.units.delete", _PW, "properties",
          "Delete a unit (409 while a tenancy uses it)", grants=(_W, _AUDIT), status=204),
    Route("POST", "/v1/tenancies", "functions.api.tenancies.create", _PW, "properties",
          "Lease a unit to residents (409 when the dates overlap another tenancy of the unit)",
          grants=(_W, _AUDIT), status=201, idempotent=True),
    Route("GET", "/v1/tenancies", "functions.api.tenancies.list", _TR, "properties",
          "The tenancies the caller reaches, by property, unit or status", grants=(_R, _KEY)),
    Route("GET", "/v1/tenancies/{id}", "functions.api.tenancies.get", _TR, "properties",
          "One tenancy with its status, balance and arrears", grants=(_R,)),
    Route("PATCH", "/v1/tenancies/{id}", "functions.api.tenancies.update", _PW, "properties",
          "Change a tenancy's parties, rent terms or dates (409 on an overlap)", grants=(_W, _AUDIT)),
    Route("POST", "/v1/tenancies/{id}/end", "functions.api.tenancies.end", _PW, "properties",
          "Set the tenancy's last day", grants=(_W, _AUDIT)),
    Route("GET", "/v1/tenancies/{id}/ledger", "functions.api.tenancies.ledger", _TR, "properties",
          "The rent ledger in posting order, with balance and arrears", grants=(_R, _KEY)),
    Route("POST", "/v1/tenancies/{id}/charges", "functions.api.tenancies.charges", _PW, "properties",
          "Post a charge to the ledger", grants=(_W, _AUDIT), status=201, idempotent=True),
    Route("POST", "/v1/tenancies/{id}/payments", "functions.api.tenancies.payments", _PW, "properties",
          "Record a payment on the ledger", grants=(_W, _AUDIT, _LEDGER), status=201, idempotent=True),
    Route("POST", "/v1/tenancies/{id}/credits", "functions.api.tenancies.credits", _PW, "properties",
          "Post a credit to the ledger", grants=(_W, _AUDIT, _LEDGER), status=201, idempotent=True),
    Route("POST", "/v1/tenancies/{id}/ledger/{entry_id}/reverse", "functions.api.tenancies.reverse", _PW,
          "properties", "Reverse a ledger entry (once; 409 after)", grants=(_W, _AUDIT, _LEDGER), status=201,
          idempotent=True),
    Route("GET", "/v1/users/{id}", "functions.api.users.get", _MANAGE, "identity",
          "One user, with the properties they are limited to", grants=(_R,)),
    Route("PUT", "/v1/users/{id}/properties", "functions.api.users.properties", Permission.PROPERTIES_ASSIGN,
          "identity", "Limit a manager or property owner to these properties", grants=(_W, _AUDIT)),
)

# Ontario notices N1, N4, N11 and their reminders (issue 14). Which notices a caller reaches is
# shared.properties.scope's, as for every property resource; owners and tenants see served ones only.
_NR = Permission.NOTICES_READ
_NW = Permission.NOTICES_WRITE

ROUTES += (
    Route("POST", "/v1/notices/calculate", "functions.api.notices.calculate", _NW, "notices",
          "Dry run: the deemed service date and earliest effective date, with the rules behind them",
          grants=(_R,)),
    Route("POST", "/v1/notices", "functions.api.notices.create", _NW, "notices",
          "Draft an N1, N4 or N11 (N1 increase and N4 arrears by period computed)", grants=(_W, _AUDIT),
          status=201, idempotent=True),
    Route("GET", "/v1/notices", "functions.api.notices.list", _NR, "notices",
          "The notices the caller reaches, by type, status, property or tenancy", grants=(_R, _KEY)),
    Route("GET", "/v1/notices/{id}", "functions.api.notices.get", _NR, "notices",
          "One notice with its checks and reminders", grants=(_R,)),
    Route("PATCH", "/v1/notices/{id}", "functions.api.notices.update", _NW, "notices",
          "Change a draft (409 once served)", grants=(_W, _AUDIT)),
    Route("DELETE", "/v1/notices/{id}", "functions.api.notices.delete", _NW, "notices",
          "Delete a draft (409 once served)", grants=(_W, _AUDIT), status=204),
    Route("POST", "/v1/notices/{id}/serve", "functions.api.notices.serve", _NW, "notices",
          "Serve: every rule re-checked against the deemed date (422 NOTICE_RULE_FAILED naming the rule)",
          grants=(_W, _AUDIT)),
    Route("POST", "/v1/notices/{id}/void", "functions.api.notices.void", _NW, "notices",
          "Void a notice (its pending reminders are cancelled)", grants=(_W, _AUDIT)),
    Route("POST", "/v1/notices/{id}/complete", "functions.api.notices.complete", _NW, "notices",
          "Complete a served notice, e.g. once the L1 or L3 is filed", grants=(_W, _AUDIT)),
    Route("GET", "/v1/reminders", "functions.api.notices.reminders", Permission.REMINDERS_READ, "notices",
          "The reminder centre: notices' reminders in due order, by status and due date", grants=(_R, _KEY)),
)
ROUTES += (
    Route("GET", "/v1/notices/{id}/document.pdf", "functions.api.notices.document", _NR, "notices",
          "The notice's particulars as a PDF and, once served, its certificate of service", grants=(_R,),
          memory_mb=512, timeout_s=29, media_type="application/pdf"),
)
ROUTES += (
    Route("GET", "/v1/tenancies/rent-increase-plan", "functions.api.notices.rent_plan", Permission.RENT_PLAN_READ,
          "notices", "Per active tenancy in the caller's reach: next increase date, guideline, highest rent, serve-by",
          grants=(_R,), timeout_s=29),
)
ROUTES += (
    Route("POST", "/v1/notices/{id}/documents", "functions.api.notices.documents", _NW, "notices",
          "Link an uploaded asset (a signed or official form) to a notice in any status", grants=(_W, _AUDIT)),
)

# Work orders (issue 13), the service layer: storage and CRUD, transitions, events, emergencies.
# Which properties a caller reaches is shared.properties.scope's; the route permission says who may call.
_WOC = Permission.WORK_ORDERS_CREATE
_WOR = Permission.WORK_ORDERS_READ
_WOW = Permission.WORK_ORDERS_WRITE

ROUTES += (
    Route("POST", "/v1/work-orders", "functions.api.work_orders.create", _WOC, "work_orders",
          "Create a work order: priority from triage (staff may override with a reason); an emergency texts the "
          "on-call phones and mails the property's managers", grants=(_W, _AUDIT, _PRIORITY), status=201,
          idempotent=True),
    Route("GET", "/v1/work-orders", "functions.api.work_orders.list", _WOR, "work_orders",
          "The work orders the caller reaches, newest first, by status, property, priority or overdue",
          grants=(_R, _KEY)),
    Route("GET", "/v1/work-orders/{id}", "functions.api.work_orders.get", _WOR, "work_orders",
          "One work order, with `overdue` as of now", grants=(_R,)),
    Route("PATCH", "/v1/work-orders/{id}", "functions.api.work_orders.update", _WOW, "work_orders",
          "Edit a work order (a priority change needs a reason, is audited and recomputes due_at)",
          grants=(_W, _AUDIT, _PRIORITY)),
    Route("POST", "/v1/work-orders/{id}/transition", "functions.api.work_orders.transition", _WOC, "work_orders",
          "Move a work order along its status machine (409 otherwise); mails the tenancy's parties",
          grants=(_W, _AUDIT, _PRIORITY)),
    Route("GET", "/v1/work-orders/{id}/events", "functions.api.work_orders.events", _WOR, "work_orders",
          "Every change of a work order, oldest first, with the message ids it sent", grants=(_R,)),
)

# Work orders (issue 13), comments and entry to a unit (RTA ss. 26-27).
ROUTES += (
    Route("POST", "/v1/work-orders/{id}/comments", "functions.api.work_orders.comments_create", _WOC, "work_orders",
          "Comment on a work order (internal comments: staff only, never shown to residents nor mailed)",
          grants=(_W, _AUDIT, _PRIORITY), status=201, idempotent=True),
    Route("GET", "/v1/work-orders/{id}/comments", "functions.api.work_orders.comments_list", _WOR, "work_orders",
          "A work order's comments, oldest first (internal ones for staff only)", grants=(_R,)),
    Route("POST", "/v1/work-orders/{id}/entry", "functions.api.work_orders.entry", _WOW, "work_orders",
          "Give written notice of entry (24 hours ahead, 08:00-20:00 community time, unless an emergency or "
          "the lead tenant approved the window); mailed to every party", grants=(_W, _AUDIT, _PRIORITY)),
    Route("POST", "/v1/work-orders/{id}/entry/approve", "functions.api.work_orders.entry_approve", _WOC,
          "work_orders", "The lead tenant approves an entry window (their consent)", grants=(_W, _AUDIT)),
)

# Work orders (issue 13): a property's health, read from its counter rows (never a scan of its orders).
ROUTES += (
    Route("GET", "/v1/properties/{id}/health", "functions.api.properties.health", _PR, "properties",
          "A property's maintenance health: score, risks with their work orders, seasonal tasks", grants=(_R,)),
)

# Work orders (issue 13): attachments, one more consumer of the shared upload path (shared.uploads). The
# presigned POST and GETs are signed with the function's own credentials, so each route holds exactly the
# object grant its URL needs; the WorkOrderFiles worker verifies the bytes and makes the thumbnails.
ROUTES += (
    Route("POST", "/v1/work-orders/{id}/attachments", "functions.api.work_orders.attachments_create", _WOC,
          "work_orders", "Announce a photo (jpeg/png/webp/heic, 15 MB) or video (mp4/mov, 200 MB) of a work "
          "order: the pending attachment and a presigned POST bound to its key, type and size",
          grants=(_W, _AUDIT, Grant.WORK_ORDER_OBJECTS_UPLOAD), status=201, idempotent=True),
    Route("GET", "/v1/work-orders/{id}/attachments", "functions.api.work_orders.attachments_list", _WOR,
          "work_orders", "A work order's attachments, oldest first, each pending, ready or rejected",
          grants=(_R,)),
    Route("GET", "/v1/work-orders/{id}/attachments/{aid}/download",
          "functions.api.work_orders.attachments_download", _WOR, "work_orders",
          "A 5-minute download URL of a ready attachment's original or its thumbnail (images only)",
          grants=(_R, Grant.WORK_ORDER_OBJECTS_READ)),
)
