"""Small pieces of the local runtime: SQS records, partial batch responses, names, functions, seeding."""

from __future__ import annotations

import threading

import pytest

from infra.local.config import LocalConfig, LocalNames, SuperAdmin
from infra.local.functions import all_functions, function_arn, function_name_of, resolve
from infra.local.provision import new_signing_key_document
from infra.local.seeding import DemoCommunity, seed
from infra.local.sqs_poller import failed_ids, sqs_record
from shared.spec.resources import AUTHORIZER_HANDLER, RESOURCES, QueueSpec
from shared.spec.routes import ROUTES

pytestmark = pytest.mark.unit

IDS = ["m1", "m2", "m3"]


@pytest.mark.parametrize(
    ("result", "failed"),
    [
        (None, set()),
        ({}, set()),
        ({"batchItemFailures": []}, set()),
        ({"batchItemFailures": [{"itemIdentifier": "m2"}]}, {"m2"}),
        ({"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m3"}]}, {"m1", "m3"}),
        ({"batchItemFailures": [{"itemIdentifier": "nope"}]}, set(IDS)),  # unknown id: the whole batch
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, set(IDS)),
        ({"batchItemFailures": [{}]}, set(IDS)),
        ({"batchItemFailures": "m1"}, set(IDS)),
        ("not a dict", set()),
    ],
)
def test_partial_batch_response(result: object, failed: set[str]) -> None:
    assert failed_ids(result, IDS) == failed


def test_sqs_record_is_the_lambda_shape() -> None:
    message = {
        "MessageId": "id-1",
        "ReceiptHandle": "rh",
        "MD5OfBody": "md5",
        "Body": '{"a": 1}',
        "Attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1700000000000"},
        "MD5OfMessageAttributes": "md5a",
        "MessageAttributes": {
            "kind": {"StringValue": "audit", "DataType": "String"},
            "blob": {"BinaryValue": b"\x01", "DataType": "Binary"},
        },
    }
    record = sqs_record(message, "arn:aws:sqs:us-east-1:123456789012:q")
    assert record["messageId"] == "id-1" and record["receiptHandle"] == "rh" and record["body"] == '{"a": 1}'
    assert record["attributes"]["ApproximateReceiveCount"] == "2"
    assert record["messageAttributes"]["kind"] == {
        "stringValue": "audit",
        "binaryValue": None,
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert record["messageAttributes"]["blob"]["binaryValue"] == "AQ=="
    assert record["md5OfBody"] == "md5" and record["md5OfMessageAttributes"] == "md5a"
    assert (record["eventSource"], record["eventSourceARN"], record["awsRegion"]) == (
        "aws:sqs",
        "arn:aws:sqs:us-east-1:123456789012:q",
        "us-east-1",
    )


def test_local_names_come_from_the_spec_logical_ids() -> None:
    names = LocalNames()
    assert names.table() == "porchlight-local-table"
    assert names.secret() == "porchlight-local/signing-key"
    assert names.bucket() == "porchlight-local-assets"
    audit = RESOURCES.queues[0]
    assert names.queue(audit) == f"porchlight-local-{audit.logical_id.lower()}"
    assert names.dead_letter_queue(audit).endswith("-dlq")
    fifo = QueueSpec(logical_id="Ordered", env_var="X", worker="w", grants=(), fifo=True)
    assert names.queue(fifo) == "porchlight-local-ordered.fifo"
    assert names.dead_letter_queue(fifo) == "porchlight-local-ordered-dlq.fifo"


def test_visibility_timeout_scales_but_never_below_one_second() -> None:
    spec = QueueSpec(logical_id="Q", env_var="Q", worker="w", grants=(), visibility_timeout_s=30)
    assert LocalConfig().visibility_timeout(spec) == 30
    assert LocalConfig(timeout_scale=0.1).visibility_timeout(spec) == 3
    assert LocalConfig(timeout_scale=0.001).visibility_timeout(spec) == 1


def test_every_function_has_a_name_and_lambda_arns_resolve_to_it() -> None:
    functions = all_functions(RESOURCES, ROUTES)
    assert functions["Authorizer"].handler == AUTHORIZER_HANDLER
    for job in RESOURCES.jobs:
        assert functions[job.logical_id].handler == job.handler
        assert resolve(function_arn(job.logical_id), functions, "local") == functions[job.logical_id]
        assert (
            resolve(f"{function_arn('porchlight-local-' + job.logical_id)}:live", functions, "local")
            == functions[job.logical_id]
        )
    for route in ROUTES:
        assert functions[route.name].handler == route.handler
    for queue in RESOURCES.queues:
        assert functions[f"{queue.logical_id}Worker"].handler == queue.worker
    assert resolve(function_arn("NoSuchFunction"), functions, "local") is None
    with pytest.raises(ValueError):
        function_name_of("arn:aws:sqs:us-east-1:123456789012:q")


def test_first_signing_key_has_the_stack_shape() -> None:
    document = new_signing_key_document()
    assert set(document) == {"kid", "secret"}
    assert len(document["secret"]) == 64 and document["kid"]
    assert new_signing_key_document() != document


def test_seed_calls_both_functions_and_returns_the_demo_sign_in(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.identity import seed as identity_seed

    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(identity_seed, "seed_super_admin", lambda *args: calls.append(args))
    monkeypatch.setattr(
        identity_seed, "seed_demo_community", lambda **_: DemoCommunity("Demo", "demo", "a@example.com", "pw")
    )
    from types import SimpleNamespace

    from infra.local import seeding

    monkeypatch.setattr(seeding.communities, "community_by_slug", lambda slug: SimpleNamespace(id=f"id-{slug}"))
    monkeypatch.setattr(seeding.demo_content, "seed", lambda cid, email: calls.append((cid, email)) or "campaign-1")
    monkeypatch.setattr(seeding.portal_demo, "seed",
                        lambda cid, email: calls.append(("portal", cid)) and "" or "tess@example.com")
    monkeypatch.setattr(seeding.rental_demo, "seed",
                        lambda: calls.append(("rentals",)) or SimpleNamespace(name="Rentals", slug="rentals",
                                                                              admin_email="r@example.com"))
    monkeypatch.setattr(seeding.intake_demo, "seed", lambda cid: calls.append(("intake", cid)) or "application-1")
    monkeypatch.setattr(seeding.notices_demo, "seed",
                        lambda cid, **names: calls.append(("notices", cid)) or ["n4", "n1"])
    monkeypatch.setattr(seeding.work_order_demo, "seed",
                        lambda cid, email: calls.append(("work orders", cid, email)) or ["wo-1"])
    admin = SuperAdmin("s@example.com", "secret", "TOTP")
    assert seed(admin, threading.Lock()) == DemoCommunity("Demo", "demo", "a@example.com", "pw",
                                                          portal_email="tess@example.com")
    assert calls == [("s@example.com", "secret", "TOTP"), ("id-demo", "a@example.com"),  # + the demo content
                     ("portal", "id-demo"),  # + the portal's demo tenant (issue 12)
                     ("rentals",),  # + the rental community (issue 11)
                     ("intake", "id-rentals"),  # + a rental application in it (issue 15)
                     ("notices", "id-rentals"),  # + a served N4 and a draft N1 (issue 14)
                     ("work orders", "id-rentals", "r@example.com")]  # + demo work orders in it (issue 13)


def test_moto_works_out_a_hosts_backend_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import backends

    from infra.local.embedded_aws import HostCachingDispatcher

    listings: list[int] = []
    real = backends.list_of_moto_modules

    def counted() -> object:
        listings.append(1)
        return real()

    monkeypatch.setattr(backends, "list_of_moto_modules", counted)
    dispatcher = HostCachingDispatcher(lambda service: None)
    host = "dynamodb.ca-central-1.amazonaws.com"
    assert [dispatcher.get_backend_for_host(host) for _ in range(5)] == ["dynamodb"] * 5
    assert len(listings) == 1
    assert dispatcher.get_backend_for_host(None) is None
    assert dispatcher.get_backend_for_host("sqs.ca-central-1.amazonaws.com") == "sqs"


def test_two_campaigns_fan_out_side_by_side_and_the_lanes_at_their_concurrency() -> None:
    from infra.local.runtime import _pollers_of
    from shared.spec.resources import AUDIT_QUEUE, CAMPAIGNS_QUEUE, OUTBOX_QUEUE, PRIORITY_OUTBOX_QUEUE

    assert _pollers_of(CAMPAIGNS_QUEUE) == CAMPAIGNS_QUEUE.max_concurrency > 1
    assert _pollers_of(OUTBOX_QUEUE) == OUTBOX_QUEUE.max_concurrency
    assert _pollers_of(PRIORITY_OUTBOX_QUEUE) == PRIORITY_OUTBOX_QUEUE.max_concurrency
    assert _pollers_of(AUDIT_QUEUE) == 1


class _SlowDynamo:
    """A WSGI app standing in for moto: records which actions are inside it at once."""

    def __init__(self) -> None:
        self.inside: list[str] = []
        self.overlaps: list[tuple[str, ...]] = []
        self.release = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, object], start_response: object) -> list[bytes]:
        action = str(environ["HTTP_X_AMZ_TARGET"]).rpartition(".")[2]
        with self._lock:
            self.inside.append(action)
            self.overlaps.append(tuple(sorted(self.inside)))
        self.release.wait(5)
        with self._lock:
            self.inside.remove(action)
        return [b"{}"]


def _call(gate: object, action: str) -> threading.Thread:
    environ = {"HTTP_X_AMZ_TARGET": f"DynamoDB_20120810.{action}"}
    thread = threading.Thread(target=lambda: gate(environ, None))  # type: ignore[operator]
    thread.start()
    return thread


def _settle(app: _SlowDynamo, inside: int) -> None:
    import time

    deadline = time.monotonic() + 5
    while len(app.inside) < inside and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # anything that could wrongly get in has had its chance


def test_key_lookups_run_beside_each_other_and_writes_alone() -> None:
    from infra.local.embedded_aws import DynamoDbGate

    app = _SlowDynamo()
    gate = DynamoDbGate(app)
    threads = [_call(gate, "BatchGetItem"), _call(gate, "GetItem")]
    _settle(app, 2)
    assert sorted(app.inside) == ["BatchGetItem", "GetItem"]  # a lookup does not wait for a batch lookup
    threads.append(_call(gate, "TransactWriteItems"))
    _settle(app, 2)
    assert "TransactWriteItems" not in app.inside  # a write waits for the reads to finish
    threads.append(_call(gate, "GetItem"))  # a single lookup still joins the running reads
    _settle(app, 3)
    assert sorted(app.inside) == ["BatchGetItem", "GetItem", "GetItem"]
    app.release.set()
    for thread in threads:
        thread.join(5)
    writes = [o for o in app.overlaps if "TransactWriteItems" in o]
    assert writes == [("TransactWriteItems",)]  # alone
    assert all(not t.is_alive() for t in threads)


def test_a_query_runs_alone_and_batch_lookups_yield_to_a_waiting_write() -> None:
    from infra.local.embedded_aws import DynamoDbGate

    app = _SlowDynamo()
    gate = DynamoDbGate(app)
    threads = [_call(gate, "GetItem")]
    _settle(app, 1)
    threads.append(_call(gate, "Query"))  # waits: a Query may iterate what a lookup adds
    _settle(app, 1)
    threads.append(_call(gate, "BatchGetItem"))  # waits behind the waiting Query: reads cannot starve it
    _settle(app, 1)
    assert app.inside == ["GetItem"]
    app.release.set()
    for thread in threads:
        thread.join(5)
    assert ("GetItem", "Query") not in app.overlaps and ("BatchGetItem", "Query") not in app.overlaps
