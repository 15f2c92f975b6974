"""Campaign use cases behind the API: edit while draft/scheduled, preview, send or schedule, cancel,
recipients, retries and the report. The fan-out itself runs in the campaigns worker (`fanout`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.audit.events import AuditEvent, publish
from shared.campaigns import audience as audiences
from shared.campaigns import repository, schedules
from shared.campaigns.models import EDITABLE, Audience, Campaign, CampaignStatus
from shared.campaigns.schemas import (
    AudiencePreview,
    CampaignCreate,
    CampaignList,
    CampaignOut,
    CampaignUpdate,
    Excluded,
    Report,
    SendRequest,
)
from shared.messaging import service as messaging
from shared.messaging.models import MessageStatus
from shared.messaging.schemas import MessageList, MessageOut, Requeued
from shared.platform import aws, clock, cursor, ids, keys
from shared.platform.context import Caller, RequestMeta
from shared.platform.errors import (
    Conflict,
    FieldError,
    InvalidCursor,
    NotFound,
    TemplateVariablesMissing,
    ValidationFailed,
)
from shared.platform.masking import mask_address
from shared.platform.settings import settings
from shared.platform.spreadsheet import to_csv
from shared.residents.schemas import FilterIn
from shared.residents.segments import checked_filter
from shared.templates import service as templates
from shared.templates.models import Template
from shared.templates.render import STANDARD_VARIABLES

# A send_at sooner than MIN_LEAD (or in the past) is refused with 422 naming `send_at`, never sent
# now: it is almost always a client clock or time-zone mistake, and "send at 09:00" silently becoming
# "send at once" cannot be taken back. To send now, the client leaves send_at out (docs/campaigns.md).
MIN_LEAD = timedelta(minutes=1)
MAX_LEAD = timedelta(days=365)
CSV_MAX_ROWS = 50_000


def _audit(caller: Caller, meta: RequestMeta, action: str, target: str, **detail: object) -> None:
    publish(AuditEvent(community_id=caller.community_id, action=action, actor_id=caller.user_id, target=target,
                       ip=meta.ip, user_agent=meta.user_agent[:512], detail=dict(detail)))


def _require(community_id: str, campaign_id: str) -> Campaign:
    campaign = repository.get(community_id, campaign_id)
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


def _template(community_id: str, template_id: str, channel: str | None) -> Template:
    """The campaign's template; with `channel` None (a create that names none), any channel is the campaign's."""
    template = templates.get(community_id, template_id)
    if template is None:
        raise ValidationFailed(details=[FieldError("template_id", "no such template")])
    if channel is not None and template.channel != channel:
        raise ValidationFailed(details=[FieldError("template_id", f"the template is for {template.channel}")])
    return template


def _checked_audience(community_id: str, audience: Audience) -> Audience:
    if audience.filter is not None:
        audience = Audience(filter=checked_filter(community_id, FilterIn.model_validate(audience.filter.model_dump())))
    audiences.check(community_id, audience)
    return audience


def create(caller: Caller, request: CampaignCreate) -> CampaignOut:
    cid = caller.community_id
    template = _template(cid, request.template_id, None if request.channel is None else str(request.channel))
    now = clock.iso()
    campaign = Campaign(
        id=ids.new_id(), community_id=cid, name=request.name, channel=template.channel,
        template_id=request.template_id, audience=_checked_audience(cid, request.audience),
        variables=dict(request.variables), status=CampaignStatus.DRAFT, created_by=caller.user_id,
        created_at=now, updated_at=now,
    )
    repository.create(campaign)
    return CampaignOut.of(campaign)


def detail(caller: Caller, campaign_id: str) -> CampaignOut:
    return CampaignOut.of(_require(caller.community_id, campaign_id))


def page(caller: Caller, *, status: CampaignStatus | None, limit: int, after: str | None) -> CampaignList:
    cid = caller.community_id
    start = cursor.decode(cid, after)
    items, last = repository.page(cid, limit=limit, after=start, status=status)
    return CampaignList(items=[CampaignOut.of(c) for c in items], next_cursor=cursor.encode(cid, last))


def _editable(campaign: Campaign) -> None:
    if campaign.status not in EDITABLE:
        raise Conflict(f"A {campaign.status} campaign can no longer be changed.")


def _send_time(value: datetime, field: str) -> datetime:
    moment = value.astimezone(UTC).replace(microsecond=0)
    now = clock.now()
    if moment < now + MIN_LEAD or moment > now + MAX_LEAD:
        raise ValidationFailed(details=[FieldError(field, "must be between one minute and one year from now")])
    return moment


def update(caller: Caller, campaign_id: str, request: CampaignUpdate) -> CampaignOut:
    cid = caller.community_id
    campaign = _require(cid, campaign_id)
    _editable(campaign)
    changes: dict[str, Any] = {"updated_at": clock.iso(), "version": campaign.version + 1}
    if request.name is not None:
        changes["name"] = request.name
    if request.template_id is not None and request.template_id != campaign.template_id:
        if campaign.status == CampaignStatus.SCHEDULED:
            raise Conflict("A scheduled campaign holds its template; cancel it to use another.")
        _template(cid, request.template_id, str(campaign.channel))
        changes["template_id"] = request.template_id
    if request.audience is not None:
        changes["audience"] = _checked_audience(cid, request.audience)
    if request.variables is not None:
        changes["variables"] = dict(request.variables)
    send_at = None
    if request.send_at is not None:
        if campaign.status != CampaignStatus.SCHEDULED:
            raise Conflict("Only a scheduled campaign has a send time; send it with send_at to schedule it.")
        send_at = _send_time(request.send_at, "send_at")
        changes["send_at"] = clock.iso(send_at)
        changes["schedule_token"] = ids.new_id()
    edited = campaign.model_copy(update=changes)
    if not repository.replace(edited, expected_version=campaign.version):
        raise Conflict("The campaign changed meanwhile (or started); reload it.")
    if send_at is not None:
        schedules.put(cid, campaign.id, send_at, str(edited.schedule_token))
    return CampaignOut.of(edited)


def delete(caller: Caller, campaign_id: str) -> None:
    campaign = _require(caller.community_id, campaign_id)
    _editable(campaign)
    if not repository.delete(campaign):
        raise Conflict("The campaign changed meanwhile (or started); reload it.")
    if campaign.status == CampaignStatus.SCHEDULED:
        schedules.delete(campaign.id)


def preview(caller: Caller, campaign_id: str) -> AudiencePreview:
    cid = caller.community_id
    campaign = _require(cid, campaign_id)
    template = _template(cid, campaign.template_id, str(campaign.channel))
    try:
        found = audiences.preview(cid, campaign.audience, campaign.channel, template.category)
    except audiences.AudienceGone as gone:
        raise ValidationFailed(details=[FieldError("audience.segment_id", "the segment was deleted")]) from gone
    return AudiencePreview(count=found.count, excluded=Excluded(no_address=found.no_address,
                                                                suppressed=found.suppressed,
                                                                opted_out=found.opted_out))


def missing_variables(template: Template, campaign: Campaign) -> list[str]:
    """Template variables no recipient would have: neither standard nor given by the campaign."""
    return [v for v in template.variables if v not in STANDARD_VARIABLES and v not in campaign.variables]


def _start_now(campaign: Campaign) -> None:
    aws.client("sqs").send_message(QueueUrl=settings().require("campaigns_queue_url"),
                                   MessageBody=schedules.start_body(campaign.community_id, campaign.id, None))


def send(caller: Caller, campaign_id: str, request: SendRequest, meta: RequestMeta) -> CampaignOut:
    """Send now (→ `sending`, the fan-out queued) or at `send_at` (→ `scheduled`, a one-time schedule).
    A scheduled campaign can be moved to another time, or sent now."""
    cid = caller.community_id
    campaign = _require(cid, campaign_id)
    _editable(campaign)
    template = _template(cid, campaign.template_id, str(campaign.channel))
    missing = missing_variables(template, campaign)
    if missing:
        raise TemplateVariablesMissing(details=[FieldError(f"variables.{v}", "is required by the template")
                                                for v in missing])
    hold = 1 if campaign.status == CampaignStatus.DRAFT else 0
    if request.send_at is not None:
        send_at = _send_time(request.send_at, "send_at")
        token = ids.new_id()
        if not repository.transition(campaign, CampaignStatus.SCHEDULED, from_statuses=(campaign.status,),
                                     sets={"send_at": clock.iso(send_at), "schedule_token": token}, hold=hold,
                                     version=campaign.version):
            raise Conflict("The campaign changed meanwhile; reload it.")
        schedules.put(cid, campaign.id, send_at, token)
        _audit(caller, meta, "campaign.scheduled", campaign.id, send_at=clock.iso(send_at))
    else:
        now = clock.iso()
        if not repository.transition(campaign, CampaignStatus.SENDING, from_statuses=(campaign.status,),
                                     sets={"started_at": now, "schedule_token": None}, hold=hold,
                                     version=campaign.version):
            raise Conflict("The campaign changed meanwhile; reload it.")
        if campaign.status == CampaignStatus.SCHEDULED:
            schedules.delete(campaign.id)
        _start_now(campaign)
        _audit(caller, meta, "campaign.sent", campaign.id)
    return CampaignOut.of(_require(cid, campaign_id))


def cancel(caller: Caller, campaign_id: str, meta: RequestMeta) -> CampaignOut:
    """Cancel a draft or scheduled campaign (a schedule that fires anyway finds it cancelled)."""
    campaign = _require(caller.community_id, campaign_id)
    if campaign.status not in EDITABLE:
        raise Conflict(f"A {campaign.status} campaign cannot be cancelled.")
    hold = -1 if campaign.status == CampaignStatus.SCHEDULED else 0
    if not repository.transition(campaign, CampaignStatus.CANCELLED, from_statuses=(campaign.status,), hold=hold,
                                 sets={"finished_at": clock.iso(), "schedule_token": None}):
        raise Conflict("The campaign changed meanwhile (or started); reload it.")
    if campaign.status == CampaignStatus.SCHEDULED:
        schedules.delete(campaign.id)
    _audit(caller, meta, "campaign.cancelled", campaign.id)
    return CampaignOut.of(_require(caller.community_id, campaign_id))


def recipients(caller: Caller, campaign_id: str, *, status: MessageStatus | None, limit: int,
               after: str | None) -> MessageList:
    """The campaign's messages (one per recipient), optionally in one status; oldest resident first."""
    cid = caller.community_id
    _require(cid, campaign_id)
    start = cursor.decode(cid, after)
    if start is not None and not str((start.get("sk") or {}).get("S", "")).startswith(
            keys.campaign_messages(cid, campaign_id)[1]):
        raise InvalidCursor()
    items, last = repository.recipients_page(cid, campaign_id, status=status, after=start, limit=limit)
    return MessageList(items=[MessageOut.of(m) for m in items], next_cursor=cursor.encode(cid, last))


RECIPIENT_COLUMNS = ("message_id", "resident_id", "to", "status", "attempts", "last_error", "created_at",
                     "updated_at", "sent_at", "delivered_at", "opened_at", "clicked_at")


def _first(message: Any, kind: str) -> str:
    return next((e.at for e in message.events if e.type == kind), "")


def recipients_csv(caller: Caller, campaign_id: str, status: MessageStatus | None) -> str:
    """The recipients log as spreadsheet-safe CSV (addresses masked, like every message answer)."""
    cid = caller.community_id
    _require(cid, campaign_id)
    rows: list[list[object]] = []
    after: dict[str, Any] | None = None
    while True:
        page_items, after = repository.recipients_page(cid, campaign_id, status=status, after=after, limit=1000)
        for m in page_items:
            rows.append([m.id, m.resident_id or "", mask_address(m.to), str(m.status), m.attempts,
                         m.last_error or "", m.created_at, m.updated_at, _first(m, "sent") or _first(m, "Send"),
                         _first(m, "Delivery"), m.opened_at or "", m.clicked_at or ""])
        if after is None or len(rows) >= CSV_MAX_ROWS:
            break
    return to_csv(RECIPIENT_COLUMNS, rows[:CSV_MAX_ROWS])


def retry_failed(caller: Caller, campaign_id: str, meta: RequestMeta) -> Requeued:
    _require(caller.community_id, campaign_id)
    return messaging.retry_failed(caller, campaign_id, meta)


def report(caller: Caller, campaign_id: str) -> Report:
    return Report.of(_require(caller.community_id, campaign_id).counts)
