"""POST /v1/auth/verify-email/resend: mail a new verification link to the signed-in user."""

from aws_lambda_powertools.event_handler import Response

from shared.identity import service
from shared.messaging import account_mail
from shared.platform.context import current_caller
from shared.platform.http import endpoint, no_content

api = endpoint(__name__)


@api
def resend_verification() -> Response[None]:
    service.resend_verification(current_caller(), api.meta(), mailer=account_mail)
    return no_content()


handler = api.handler
