"""Demo work orders for the rental demo community (`make dev`): one emergency, one overdue, one scheduled, a
furnace service completed in the heating-service window (so the property's health shows the heating service done
and the winterization missed), and a photo of the overdue leak (uploaded as a browser would: announced, then its
bytes put under the upload key, so the `WorkOrderFiles` worker checks it and makes its thumbnail). Made through
the work-order service as the API would (the overdue one with a creation time ten days back, so its 24-hour SLA
has passed). The demo gets an on-call phone, so the emergency's SMS shows in `/_dev/sms` and its mail to the
admins (the demo has no managers) in `/_dev/mailbox`. Idempotent: a community with work orders is left as it is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from shared.community import repository as communities
from shared.community import service as community_service
from shared.identity import repository as identity_repository
from shared.maintenance import repository, workorders
from shared.maintenance.models import Answers, Category, Status
from shared.maintenance.schemas import TransitionRequest, WorkOrderCreate
from shared.platform import clock
from shared.platform.context import Caller, RequestMeta
from shared.properties import repository as properties
from shared.spec.permissions import Role

ON_CALL_PHONE = "+14165550100"  # a 555 number: the local runtime's SMS sink records it
_LOCAL = RequestMeta(ip="127.0.0.1", user_agent="porchlight-seed")


def seed(community_id: str, admin_email: str) -> list[str]:
    """The demo orders' ids (none when the community has orders already or no units)."""
    if repository.community_page(community_id, repository.Filters(), limit=1, before_id=None):
        return []
    admin = identity_repository.user_by_email(community_id, admin_email)
    community = communities.get_community(community_id)
    property_ids = properties.property_ids(community_id)
    if admin is None or community is None or not property_ids:
        return []
    units, _ = properties.units_page(community_id, property_ids[0], limit=3, after=None)
    if len(units) < 3:
        return []
    if not community.on_call_phones:
        communities.update_community(community, on_call_phones=[ON_CALL_PHONE])
    caller = Caller(user_id=admin.id, community_id=community_id, role=Role.ADMIN, session_id="seed")
    settings_of = community_service.settings_of
    leak = workorders.create(caller, WorkOrderCreate(
        unit_id=units[1].id, title="Ceiling leak in the bathroom", description="Water drips from the light fixture "
        "after the upstairs shower runs.", category=Category.PLUMBING, answers=Answers(active_leak=True)),
        _LOCAL, settings_of=settings_of, at=clock.now() - timedelta(days=10))
    tap = workorders.create(caller, WorkOrderCreate(
        unit_id=units[2].id, title="Dripping kitchen tap", description="The cold tap drips all night.",
        category=Category.PLUMBING, answers=Answers()), _LOCAL, settings_of=settings_of)
    workorders.transition(caller, tap.id, TransitionRequest(to=Status.SCHEDULED, note="Plumber booked"), _LOCAL)
    gas = workorders.create(caller, WorkOrderCreate(
        unit_id=units[0].id, title="Gas smell in the kitchen", description="A strong gas smell near the stove.",
        category=Category.APPLIANCE, answers=Answers(gas_smell=True)), _LOCAL, settings_of=settings_of)
    service = _furnace_service(caller, units[0].id)
    attach_photo(caller, leak.id)
    return [gas.id, leak.id, tap.id, service]


def _furnace_service(caller: Caller, unit_id: str) -> str:
    """A heating order completed inside the current heating-service window (on 15 September, or today
    while the window is open and that date is still ahead), so it records the task (`health.task_done_by`)
    and the demo shows it done whenever it is seeded."""
    now = clock.now()
    today = now.date()
    day = min(today, date(today.year, 9, 15)) if today >= date(today.year, 6, 2) else date(today.year - 1, 9, 15)
    done = min(now, datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC))
    order = workorders.create(caller, WorkOrderCreate(
        unit_id=unit_id, title="Annual furnace service", description="Clean and inspect the furnace, replace the "
        "filter, check the thermostat before the heating season.", category=Category.HEATING, answers=Answers()),
        _LOCAL, settings_of=community_service.settings_of, at=done - timedelta(days=7))
    for to in (Status.IN_PROGRESS, Status.COMPLETED):
        workorders.transition(caller, order.id, TransitionRequest(to=to, note="Serviced by Lakeshore HVAC"
                                                                  if to is Status.COMPLETED else None),
                              _LOCAL, at=done)
    return order.id


def attach_photo(caller: Caller, work_order_id: str) -> str:
    """A demo photo on the order (the attachment's id): announced through the service, bytes put to its key."""
    from shared.maintenance import attachments
    from shared.maintenance.schemas import AttachmentCreate
    from shared.uploads import store

    data = demo_photo()
    created = attachments.announce(caller, work_order_id, AttachmentCreate(
        filename="bathroom-ceiling.jpg", content_type="image/jpeg", size=len(data)), _LOCAL)
    store.put(created.upload.fields["key"], data, content_type="image/jpeg")
    return created.attachment.id


def demo_photo(width: int = 1280, height: int = 960) -> bytes:
    """A drawn stand-in for a phone photo of a stained ceiling around a light fixture."""
    import io

    from PIL import Image, ImageDraw, ImageFilter

    image = Image.new("RGB", (width, height), (236, 232, 224))
    draw = ImageDraw.Draw(image)
    for ring, colour in enumerate(((214, 196, 160), (196, 170, 122), (176, 146, 98))):
        inset = ring * 60
        draw.ellipse((width // 4 + inset, height // 5 + inset, 3 * width // 4 - inset, 4 * height // 5 - inset),
                     fill=colour)
    draw.ellipse((width // 2 - 70, height // 2 - 70, width // 2 + 70, height // 2 + 70), fill=(250, 250, 245),
                 outline=(120, 120, 120), width=6)
    out = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(6)).save(out, "JPEG", quality=88)
    return out.getvalue()
