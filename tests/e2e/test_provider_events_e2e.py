"""Provider events through the whole local runtime: mail to the SES mailbox simulator comes back as SES
events (simulator → SesEvents topic → ProviderEvents queue → worker), and an SMS STOP is honoured.

The messages are written straight into the runtime's table (this process pointed at its embedded
AWS), as the outbox would have stored them; the mail is sent the way the delivery worker sends it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from shared.messaging import repository, sms_routes
from shared.messaging.models import Message, MessageStatus
from shared.messaging.provider import REPLIES, Keyword
from shared.platform import clock, ids
from shared.platform.channels import Category, Channel
from shared.suppression import service as suppression
from shared.suppression.models import Reason
from tests.conftest import forget_aws_clients
from tests.e2e.conftest import Api, LocalRuntime
from tests.e2e.test_local_runtime import eventually

pytestmark = pytest.mark.e2e

CID = "01COMMUNITYE2EPROVIDER"


@pytest.fixture
def runtime_table(local_runtime: LocalRuntime, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalRuntime]:
    """This process's shared code pointed at the runtime's embedded AWS and table."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", local_runtime.aws_url)
    monkeypatch.setenv("TABLE_NAME", local_runtime.resources["table"])
    forget_aws_clients()
    yield local_runtime
    monkeypatch.undo()
    forget_aws_clients()


def stored_message(to: str) -> Message:
    now = clock.iso()
    message = Message(id=ids.new_id(), community_id=CID, channel=Channel.EMAIL, category=Category.TRANSACTIONAL,
                      to=to, status=MessageStatus.SENDING, subject="Pool closed", text="The pool is closed",
                      created_at=now, updated_at=now)
    repository.create(message)
    return message


def send_like_the_outbox(runtime: LocalRuntime, message: Message) -> str:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Oak Park <no-reply@porchlight.dev>", message.to, "Pool closed"
    mail["X-Porchlight-Community"], mail["X-Porchlight-Message"] = message.community_id, message.id
    mail.set_content(message.text)
    answer = runtime.aws("ses").send_raw_email(
        Source="no-reply@porchlight.dev", Destinations=[message.to], RawMessage={"Data": mail.as_bytes()},
        ConfigurationSetName=runtime.resources["ses_configuration_set"],
        Tags=[{"Name": "community_id", "Value": message.community_id}, {"Name": "message_id", "Value": message.id}])
    return str(answer["MessageId"])


def status_of(message: Message) -> MessageStatus | None:
    found = repository.get(message.community_id, message.id)
    return found.status if found else None


def test_simulator_mail_comes_back_as_ses_events(runtime_table: LocalRuntime, api: Api) -> None:
    bounced = stored_message("bounce@simulator.amazonses.com")
    delivered = stored_message("success@simulator.amazonses.com")
    complained = stored_message("complaint@simulator.amazonses.com")
    ses_id = send_like_the_outbox(runtime_table, bounced)
    for message in (delivered, complained):
        send_like_the_outbox(runtime_table, message)
    eventually(lambda: status_of(bounced) == MessageStatus.BOUNCED)
    eventually(lambda: status_of(delivered) == MessageStatus.DELIVERED)
    eventually(lambda: status_of(complained) == MessageStatus.COMPLAINED)
    found = repository.get(CID, bounced.id)
    assert found is not None and found.provider_message_id == ses_id
    assert {"Send", "BouncePermanent"} <= {e.type for e in found.events}
    assert suppression.blocking_reason(CID, Channel.EMAIL, bounced.to, Category.TRANSACTIONAL) == Reason.BOUNCE
    assert suppression.blocking_reason(CID, Channel.EMAIL, complained.to, Category.TRANSACTIONAL) == Reason.COMPLAINT
    assert any(item["id"] == ses_id for item in api.get("/_dev/mailbox").json()["items"])


def test_an_sms_stop_is_honoured_and_confirmed(runtime_table: LocalRuntime, api: Api) -> None:
    phone = "+14255550142"
    sms_routes.remember_sms_route(CID, phone)
    runtime_table.aws("sns").publish(
        TopicArn=runtime_table.resources["topics"]["SmsInbound"],
        Message=json.dumps({"originationNumber": phone, "destinationNumber": "+12125550101", "messageBody": "STOP",
                            "inboundMessageId": "e2e-1"}))
    eventually(lambda: suppression.blocking_reason(CID, Channel.SMS, phone, Category.TRANSACTIONAL) == Reason.STOP)
    replies = eventually(lambda: [s for s in api.get("/_dev/sms").json()["items"] if s["to"] == phone])
    assert [r["message"] for r in replies] == [REPLIES[Keyword.STOP]]
