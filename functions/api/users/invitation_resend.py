"""POST /v1/users/invitations/{id}/resend: a new link and a new 7 days; the previous link stops working."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.identity import members
from shared.identity.schemas import InvitationOut
from shared.messaging import account_mail
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def resend_invitation(id: Annotated[str, Path(min_length=1, max_length=64)]) -> InvitationOut:  # noqa: A002
    return members.resend(current_caller(), id, api.meta(), mailer=account_mail)


handler = api.handler
