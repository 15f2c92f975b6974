"""Community storage: the community record and its slug, PynamoDB items in, `Community` out."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from shared.community.items import CommunityItem, SlugItem
from shared.community.models import Branding, Community, Sender
from shared.community.settings import HeatingSeason, SlaHours
from shared.platform import clock, db, keys
from shared.platform.db import BaseItem
from shared.platform.mapping import to_item, to_model


class SlugTaken(Exception):
    """The slug is already some other community's."""


_JSON = ("branding", "work_order_sla_hours", "heating_season")  # settings objects, as JSON text


def _community(item: CommunityItem) -> Community:
    return to_model(Community, item, json_fields=_JSON,
                    sender=Sender(from_name=item.sender_from_name, reply_to=item.sender_reply_to))


def create_community(community: Community, *, also: tuple[tuple[BaseItem, Condition], ...] = ()) -> None:
    """The community and its slug, with `also` (items and their conditions: its first user) in the same
    transaction, all or nothing; `SlugTaken` if the slug is used."""
    community_item = to_item(
        CommunityItem, community, keys.community(community.id), json_fields=_JSON, exclude=("sender",),
        sender_from_name=community.sender.from_name, sender_reply_to=community.sender.reply_to,
        gsi1pk=keys.COMMUNITIES_INDEX_PK, gsi1sk=f"{community.created_at}#{community.id}",
    )
    slug_pk, slug_sk = keys.slug(community.slug)
    slug_item = SlugItem(slug_pk, slug_sk, community_id=community.id)
    try:
        with TransactWrite(connection=db.connection()) as tx:
            tx.save(slug_item, condition=SlugItem.pk.does_not_exist())
            tx.save(community_item, condition=CommunityItem.pk.does_not_exist())
            for item, condition in also:
                tx.save(item, condition=condition)
    except TransactWriteError as exc:
        reasons = [getattr(r, "code", None) for r in (exc.cancellation_reasons or [])]
        if reasons and reasons[0] == "ConditionalCheckFailed":
            raise SlugTaken(community.slug) from exc
        raise


def community_by_slug(slug: str) -> Community | None:
    db.bind()
    try:
        pointer = SlugItem.get(*keys.slug(slug))
    except DoesNotExist:
        return None
    return get_community(pointer.community_id)


def get_community(community_id: str) -> Community | None:
    db.bind()
    try:
        return _community(CommunityItem.get(*keys.community(community_id)))
    except DoesNotExist:
        return None


_WORK_ORDER_SETTINGS = frozenset({"work_order_sla_hours", "heating_season", "on_call_phones"})


def _work_order_setting(name: str, value: object) -> Any:
    """The update action of one work-order setting (issue 13)."""
    if name == "work_order_sla_hours":
        assert isinstance(value, SlaHours)
        return CommunityItem.work_order_sla_hours.set(value.model_dump_json())
    if name == "heating_season":
        assert isinstance(value, HeatingSeason)
        return CommunityItem.heating_season.set(value.model_dump_json())
    phones: list[Any] = [str(p) for p in value]  # type: ignore[attr-defined]
    return CommunityItem.on_call_phones.set(phones) if phones else CommunityItem.on_call_phones.remove()


def update_community(community: Community, **changes: object) -> Community:
    """Apply the changed settings; `changes` keys are Community field names."""
    db.bind()
    actions: list[Any] = [CommunityItem.updated_at.set(clock.iso())]
    for name, value in changes.items():
        if name == "name":
            actions.append(CommunityItem.name.set(str(value)))
        elif name == "timezone":
            actions.append(CommunityItem.timezone.set(str(value)))
        elif name == "mfa_required_roles":
            roles: list[Any] = [str(r) for r in value]  # type: ignore[attr-defined]
            actions.append(CommunityItem.mfa_required_roles.set(roles))
        elif name == "sender":
            assert isinstance(value, Sender)
            for attribute, field_value in ((CommunityItem.sender_from_name, value.from_name),
                                           (CommunityItem.sender_reply_to, value.reply_to)):
                actions.append(attribute.set(field_value) if field_value else attribute.remove())
        elif name == "branding":
            assert isinstance(value, Branding)
            actions.append(CommunityItem.branding.set(value.model_dump_json(exclude_none=True)))
        elif name == "default_region":
            actions.append(CommunityItem.default_region.set(str(value)))
        elif name == "delinquency_threshold":
            actions.append(CommunityItem.delinquency_threshold.set(str(value)))
        elif name in _WORK_ORDER_SETTINGS:
            actions.append(_work_order_setting(name, value))
        else:
            raise ValueError(f"not a community setting: {name}")
    item = CommunityItem(*keys.community(community.id))
    item.update(actions=actions, condition=CommunityItem.pk.exists())
    updated = get_community(community.id)
    assert updated is not None
    return updated


def list_communities(*, limit: int, after: dict[str, Any] | None) -> tuple[list[Community], dict[str, Any] | None]:
    """Every community, newest first (the platform listing on GSI1)."""
    db.bind()
    result = CommunityItem.gsi1.query(
        keys.COMMUNITIES_INDEX_PK, limit=limit, last_evaluated_key=after, scan_index_forward=False
    )
    items = [_community(i) for i in result if isinstance(i, CommunityItem)]
    return items, result.last_evaluated_key


