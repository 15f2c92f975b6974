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
from shared.spec.permissions import Role


class SlugTaken(Exception):
    """The slug is already some other community's."""


def _community(item: CommunityItem) -> Community:
    return Community(
        id=item.id,
        slug=item.slug,
        name=item.name,
        timezone=item.timezone,
        mfa_required_roles=[Role(str(r)) for r in item.mfa_required_roles],
        sender=Sender(from_name=item.sender_from_name, reply_to=item.sender_reply_to),
        branding=Branding.model_validate_json(item.branding) if item.branding else Branding(),
        created_at=item.created_at,
        updated_at=item.updated_at,
        default_region=item.default_region or "US",
        delinquency_threshold=item.delinquency_threshold or "0.00",
        work_order_sla_hours=(SlaHours.model_validate_json(item.work_order_sla_hours)
                              if item.work_order_sla_hours else SlaHours()),
        heating_season=(HeatingSeason.model_validate_json(item.heating_season)
                        if item.heating_season else HeatingSeason()),
        on_call_phones=[str(p) for p in item.on_call_phones or []],
    )


def create_community(community: Community, *, also: tuple[tuple[BaseItem, Condition], ...] = ()) -> None:
    """The community and its slug, with `also` (items and their conditions: its first user) in the same
    transaction, all or nothing; `SlugTaken` if the slug is used."""
    pk, sk = keys.community(community.id)
    community_item = CommunityItem(
        pk,
        sk,
        id=community.id,
        slug=community.slug,
        name=community.name,
        timezone=community.timezone,
        mfa_required_roles=[str(r) for r in community.mfa_required_roles],
        created_at=community.created_at,
        updated_at=community.updated_at,
        default_region=community.default_region,
        delinquency_threshold=community.delinquency_threshold,
        gsi1pk=keys.COMMUNITIES_INDEX_PK,
        gsi1sk=f"{community.created_at}#{community.id}",
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


