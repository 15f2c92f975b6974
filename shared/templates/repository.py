"""Template storage: PynamoDB items in, domain models out.

Every write that must not lose a concurrent one is conditional: an edit on the version it read
(and on `in_use` still being 0), a delete on `in_use` being 0, a count change on the item
existing. A failed condition is reported as False/None; the service decides which error it is.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

from shared.platform import db, keys
from shared.platform.mapping import to_item, to_model
from shared.templates.items import TemplateItem
from shared.templates.models import Template

SK_PREFIX = "TEMPLATE#"
_CONDITION_FAILED = "ConditionalCheckFailedException"


def _template(item: TemplateItem) -> Template:
    return to_model(Template, item)


def _item(template: Template) -> TemplateItem:
    # No text is stored as no attribute: derived from the HTML at render time.
    return to_item(TemplateItem, template, keys.template(template.community_id, template.id),
                   text=template.text or None)


def _not_in_use() -> Any:
    return TemplateItem.in_use.does_not_exist() | (TemplateItem.in_use == 0)


def _failed_condition(exc: PutError | UpdateError | DeleteError) -> bool:
    return exc.cause_response_code == _CONDITION_FAILED


def create(template: Template) -> None:
    db.bind()
    _item(template).save(condition=TemplateItem.pk.does_not_exist())


def get(community_id: str, template_id: str) -> Template | None:
    db.bind()
    try:
        return _template(TemplateItem.get(*keys.template(community_id, template_id)))
    except DoesNotExist:
        return None


def page(
    community_id: str, *, limit: int, after: dict[str, Any] | None
) -> tuple[list[Template], dict[str, Any] | None]:
    """Newest first, at most `limit`, and at most one DynamoDB page (1 MB read).

    Bodies may be 300 KB each, so a full `limit` could exceed Lambda's 6 MB response; one page
    cannot. A short page still carries a cursor when there is more.
    """
    db.bind()
    result = TemplateItem.query(
        keys.community_pk(community_id),
        TemplateItem.sk.startswith(SK_PREFIX),
        limit=limit,
        last_evaluated_key=after,
        scan_index_forward=False,
    )
    raw = next(result.page_iter)
    items = [_template(TemplateItem.from_raw_data(data)) for data in raw.get("Items", [])]
    return items, result.page_iter.last_evaluated_key


def replace(template: Template, *, expected_version: int) -> bool:
    """Store an edit; False when the stored version is no longer `expected_version` or it is in use."""
    db.bind()
    condition = TemplateItem.pk.exists() & (TemplateItem.version == expected_version) & _not_in_use()
    try:
        _item(template).save(condition=condition)
    except PutError as exc:
        if _failed_condition(exc):
            return False
        raise
    return True


def delete(community_id: str, template_id: str) -> bool:
    """Delete it; False when it is absent or in use."""
    db.bind()
    item = TemplateItem(*keys.template(community_id, template_id))
    try:
        item.delete(condition=TemplateItem.pk.exists() & _not_in_use())
    except DeleteError as exc:
        if _failed_condition(exc):
            return False
        raise
    return True


def add_in_use(community_id: str, template_id: str, delta: int) -> int | None:
    """Add `delta` to the in-use count atomically; the new count, or None when the template is absent
    or the count would drop below zero."""
    db.bind()
    item = TemplateItem(*keys.template(community_id, template_id))
    condition = TemplateItem.pk.exists()
    if delta < 0:
        condition = condition & (TemplateItem.in_use >= -delta)
    try:
        item.update(actions=[TemplateItem.in_use.add(delta)], condition=condition)
    except UpdateError as exc:
        if _failed_condition(exc):
            return None
        raise
    return int(item.in_use)
