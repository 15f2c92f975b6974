"""Custom field definitions' use cases: list, create, edit (label, required, options), delete.

Values live on the residents (`custom[key]`); a deleted definition's values are no longer shown
as valid input and are dropped from a resident the next time it is written.
"""

from __future__ import annotations

from shared.platform import clock
from shared.platform.context import Caller
from shared.platform.errors import Conflict, FieldError, NotFound, ValidationFailed
from shared.residents import repository
from shared.residents.models import CustomField
from shared.residents.schemas import (
    CustomFieldCreate,
    CustomFieldList,
    CustomFieldOut,
    CustomFieldUpdate,
    check_options,
)

MAX_FIELDS = 100


def list_fields(caller: Caller) -> CustomFieldList:
    definitions = sorted(repository.custom_fields(caller.community_id).values(), key=lambda d: d.created_at)
    return CustomFieldList(items=[CustomFieldOut.of(d) for d in definitions], next_cursor=None)


def create(caller: Caller, request: CustomFieldCreate) -> CustomFieldOut:
    if len(repository.custom_fields(caller.community_id)) >= MAX_FIELDS:
        raise ValidationFailed(details=[FieldError("key", f"a community may define at most {MAX_FIELDS} fields")])
    now = clock.iso()
    definition = CustomField(key=request.key, community_id=caller.community_id, label=request.label,
                             type=request.type, required=request.required, options=list(request.options or []),
                             created_at=now, updated_at=now)
    if not repository.create_custom_field(definition):
        raise Conflict("A custom field with this key already exists.", details=[FieldError("key", "is taken")])
    return CustomFieldOut.of(definition)


def update(caller: Caller, key: str, request: CustomFieldUpdate) -> CustomFieldOut:
    current = repository.custom_fields(caller.community_id).get(key)
    if current is None:
        raise NotFound("No such custom field.")
    options = request.options if request.options is not None else current.options
    try:
        check_options(current.type, options)
    except ValueError as error:
        raise ValidationFailed(details=[FieldError("options", str(error))]) from error
    updated = current.model_copy(update={
        "label": request.label or current.label,
        "required": current.required if request.required is None else request.required,
        "options": list(options), "updated_at": clock.iso(),
    })
    if not repository.replace_custom_field(updated):
        raise NotFound("No such custom field.")
    return CustomFieldOut.of(updated)


def delete(caller: Caller, key: str) -> None:
    if not repository.delete_custom_field(caller.community_id, key):
        raise NotFound("No such custom field.")
