"""POST /v1/users/invitations: invite someone with a role; they get a 7-day, single-use link by mail."""

from shared.identity import members
from shared.identity.schemas import InvitationCreate, InvitationOut
from shared.messaging import account_mail
from shared.platform.context import current_caller
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def invite(body: InvitationCreate) -> InvitationOut:
    return members.invite(current_caller(), body, api.meta(), mailer=account_mail)


handler = api.handler
