"""POST /v1/auth/invitations/accept: create the invited account and sign it in."""

from shared.identity import members, service
from shared.identity.schemas import InvitationAccept, TokenBody
from shared.platform.http import endpoint

api = endpoint(__name__)


@api
def accept_invitation(body: InvitationAccept) -> TokenBody:
    return service.token_body(members.accept(body, api.meta()))


handler = api.handler
