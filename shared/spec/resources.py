"""The AWS resources Porchlight runs on, declared once.

The CDK constructs (`infra/`) and the local runtime (`infra/local/`) both build from these
definitions, and the functions find the deployed names through the environment variables named
here, so a table index, a queue or a schedule cannot exist in one place and not the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from shared.spec.grants import Grant

SERVICE = "porchlight"
METRICS_NAMESPACE = "Porchlight"
# Messages that ended `failed` for a technical reason (could not render or build, attempts or
# requeue rounds exhausted): counted by `shared.messaging.failures`, alarmed on by infra/monitoring.py.
TECHNICAL_FAILURE_METRIC = "MessagesFailedTechnical"


@dataclass(frozen=True)
class Index:
    name: str
    pk: str
    sk: str


@dataclass(frozen=True)
class TableSpec:
    logical_id: str
    env_var: str
    pk: str
    sk: str
    ttl_attribute: str
    indexes: tuple[Index, ...]


@dataclass(frozen=True)
class QueueSpec:
    """An SQS queue with its dead-letter queue and the worker that drains it."""

    logical_id: str
    env_var: str
    worker: str  # handler module of the worker function
    grants: tuple[Grant, ...]  # what the worker may touch
    visibility_timeout_s: int = 60
    max_receive_count: int = 5  # attempts before the message is dead-lettered
    batch_size: int = 10
    max_batching_window_s: int = 1
    max_concurrency: int = 5  # event source mapping cap: protects providers and DynamoDB
    fifo: bool = False
    arn_env_var: str | None = None  # also give functions the queue's ARN (e.g. a schedule target)
    memory_mb: int = 256  # of the worker (Lambda gives CPU in proportion)
    # An SQS fair queue: a standard queue whose messages carry a `MessageGroupId` (here the community),
    # so SQS serves the groups with the fewest messages in flight first (no queue attribute needed);
    # the local runtime's poller emulates it (infra/local/fair_queue.py).
    fair: bool = False

    @property
    def worker_timeout_s(self) -> int:
        """AWS wants the visibility timeout >= 6x the worker's timeout for an SQS event source."""
        return max(3, self.visibility_timeout_s // 6)


@dataclass(frozen=True)
class TopicSpec:
    """An SNS topic whose notifications are delivered to a queue (SNS → SQS → worker).

    Going through a queue gives provider notifications the same partial-batch retries and DLQ as
    any other work, instead of an SNS → Lambda subscription's fire-and-forget retries.
    """

    logical_id: str
    queue: str  # logical id of the QueueSpec subscribed to it
    description: str


@dataclass(frozen=True)
class BucketSpec:
    logical_id: str
    env_var: str
    cors_methods: tuple[str, ...] = ("GET", "POST", "PUT", "HEAD")
    # Every browser upload is tagged `pending_tag` by its presigned POST (shared.uploads.presign); the
    # consumer that accepts the object removes the tag, and a lifecycle rule deletes objects still
    # tagged after `pending_expiry_days`: uploads nobody completed or verified clean themselves up.
    pending_tag: tuple[str, str] = ("porchlight-upload", "pending")
    pending_expiry_days: int = 1
    # Provider notifications (SES events, SMS replies) kept as they arrived, for audit and debugging
    # (shared.messaging.raw_notifications); a lifecycle rule expires them.
    raw_notifications_prefix: str = "provider-notifications"
    raw_notifications_expiry_days: int = 90


UPLOAD_ROOT = "communities"  # every uploaded object's key: communities/{community_id}/{segment}/{id}/{name}


@dataclass(frozen=True)
class UploadConsumer:
    """Objects created under `communities/{community_id}/{segment}/...` reach the worker of `queue`.

    The bucket sends its ObjectCreated events to EventBridge; one rule per consumer matches the key
    pattern and targets the consumer's queue (so it gets the queue's retries, DLQ and alarm). The
    CDK app (infra/uploads.py) and the local runtime (infra/local/provision.py) both build the rules
    from these entries. A new kind of upload (resident imports, notices) = one QueueSpec + one entry.
    """

    logical_id: str
    segment: str  # second path segment after the community id: "assets", "imports", ...
    queue: str  # logical id of the QueueSpec whose worker handles the objects

    @property
    def key_pattern(self) -> str:
        """The keys this consumer owns: its EventBridge `wildcard` pattern and its IAM object scope."""
        return f"{UPLOAD_ROOT}/*/{self.segment}/*"


@dataclass(frozen=True)
class SecretSpec:
    logical_id: str
    env_var: str
    description: str


@dataclass(frozen=True)
class KeySpec:
    """A KMS key used directly (Encrypt/Decrypt of small secrets, bound by an encryption context)."""

    logical_id: str
    env_var: str
    description: str


@dataclass(frozen=True)
class ScheduledJob:
    """A job fired by an EventBridge rule: `rate(...)` or `cron(...)` as EventBridge writes them."""

    logical_id: str
    schedule: str
    handler: str
    description: str
    grants: tuple[Grant, ...]
    timeout_s: int = 60


@dataclass(frozen=True)
class SchedulerGroup:
    """An EventBridge Scheduler group for one-time `at()` schedules made at run time."""

    logical_id: str
    env_var: str
    role_env_var: str  # the role Scheduler assumes to reach the target


@dataclass(frozen=True)
class Resources:
    table: TableSpec
    signing_key: SecretSpec
    bucket: BucketSpec
    mfa_key: KeySpec
    queues: tuple[QueueSpec, ...] = field(default_factory=tuple)
    topics: tuple[TopicSpec, ...] = field(default_factory=tuple)
    jobs: tuple[ScheduledJob, ...] = field(default_factory=tuple)
    scheduler_group: SchedulerGroup | None = None
    uploads: tuple[UploadConsumer, ...] = field(default_factory=tuple)


TABLE = TableSpec(
    logical_id="Table",
    env_var="TABLE_NAME",
    pk="pk",
    sk="sk",
    ttl_attribute="ttl",
    indexes=(
        # GSI1: per-tenant listings in a different order than the base key, and platform listings
        # (e.g. every community for the super admin).
        Index(name="gsi1", pk="gsi1pk", sk="gsi1sk"),
        # GSI2 (issue 12): a second sparse listing; today a resident's messages, newest first
        # (`keys.messages_of_resident`), so the portal lists them without a scan.
        Index(name="gsi2", pk="gsi2pk", sk="gsi2sk"),
    ),
)

SIGNING_KEY = SecretSpec(
    logical_id="SigningKey",
    env_var="SIGNING_KEY_SECRET_ID",
    description="JWT and token-signing keys (JSON: current kid and the keys still accepted)",
)

MFA_KEY = KeySpec(
    logical_id="MfaKey",
    env_var="MFA_KEY_ID",
    description="Encrypts TOTP secrets at rest (context: community and user id)",
)

ASSETS_BUCKET = BucketSpec(logical_id="Assets", env_var="ASSETS_BUCKET")

SCHEDULER_GROUP = SchedulerGroup(
    logical_id="Schedules", env_var="SCHEDULE_GROUP", role_env_var="SCHEDULER_ROLE_ARN"
)

AUDIT_QUEUE = QueueSpec(
    logical_id="Audit",
    env_var="AUDIT_QUEUE_URL",
    worker="functions.workers.audit",
    grants=(Grant.TABLE_WRITE,),  # shared.audit.store: BatchWriteItem
    visibility_timeout_s=30,
    max_receive_count=5,
    batch_size=10,
)

# The outbox has two lanes (shared.messaging.outbox routes each message once, at enqueue):
# - the bulk lane (`Outbox`): campaign chunks, each carrying its community as MessageGroupId on this fair
#   queue, so two communities' campaigns progress side by side. It sends with what the priority lane
#   leaves of the SES/SNS budget (shared.messaging.pacing). One chunk per batch: fairness is decided per
#   receive, and what a community's first receives take before another's chunks arrive is its head start
#   (a batch of ten, 980 recipients, would hand it a minute of the rate). A chunk of 98 takes
#   98 / (rate / 2) seconds and must fit the worker's 60 s timeout: at SES's 14/s, 14 s.
# - the priority lane (`PriorityOutbox`): everything else (verification, invitations, resets, one-off
#   POST /v1/messages, notices, reminders): small batches, no batching window, precedence in the budget.
OUTBOX_QUEUE = QueueSpec(
    logical_id="Outbox",
    env_var="OUTBOX_QUEUE_URL",
    worker="functions.workers.deliver",
    grants=(Grant.TABLE_WRITE, Grant.SIGNING_KEY_READ, Grant.SES_SEND, Grant.SMS_SEND, Grant.OUTBOX_VISIBILITY),
    visibility_timeout_s=360,  # worker timeout 60 s: a paced chunk with room (see above)
    max_receive_count=8,  # throttling backs off through the visibility timeout; then the DLQ
    batch_size=1,
    max_concurrency=2,  # each worker paces at half the bulk budget; fairness is the queue's job
    fair=True,
)

PRIORITY_OUTBOX_QUEUE = QueueSpec(
    logical_id="PriorityOutbox",
    env_var="PRIORITY_OUTBOX_QUEUE_URL",
    worker="functions.workers.deliver_priority",
    grants=(Grant.TABLE_WRITE, Grant.SIGNING_KEY_READ, Grant.SES_SEND, Grant.SMS_SEND,
            Grant.PRIORITY_OUTBOX_VISIBILITY),
    visibility_timeout_s=60,
    max_receive_count=8,
    batch_size=10,
    max_batching_window_s=0,  # a password reset does not wait for a batch to fill
    max_concurrency=2,
)

OUTBOX_LANES: tuple[QueueSpec, ...] = (PRIORITY_OUTBOX_QUEUE, OUTBOX_QUEUE)

PROVIDER_EVENTS_QUEUE = QueueSpec(
    logical_id="ProviderEvents",
    env_var="PROVIDER_EVENTS_QUEUE_URL",
    worker="functions.workers.provider_events",
    # status updates, suppressions, HELP/STOP replies, the raw notification kept in S3
    grants=(Grant.TABLE_WRITE, Grant.SMS_SEND, Grant.RAW_NOTIFICATIONS_WRITE),
    visibility_timeout_s=30,
    max_receive_count=5,
    batch_size=10,
)

ASSET_UPLOADS_QUEUE = QueueSpec(
    logical_id="AssetUploads",
    env_var="ASSET_UPLOADS_QUEUE_URL",
    worker="functions.workers.verify_assets",
    # Size and magic bytes of each new object; a mismatch deletes it, a match is copied to the asset's
    # verified key (publish), which downloads serve; the upload object is then deleted.
    grants=(Grant.TABLE_WRITE, Grant.ASSET_OBJECTS_READ, Grant.ASSET_OBJECTS_DELETE, Grant.ASSET_OBJECTS_PUBLISH),
    visibility_timeout_s=180,  # worker timeout 30 s: a 25 MB text file is read through to check it is UTF-8
    max_receive_count=5,
    batch_size=5,
)

CAMPAIGNS_QUEUE = QueueSpec(
    logical_id="Campaigns",
    env_var="CAMPAIGNS_QUEUE_URL",
    arn_env_var="CAMPAIGNS_QUEUE_ARN",
    worker="functions.workers.fanout",
    # Resolve the audience, write the recipients' messages, put chunks on the bulk lane, close the campaign.
    grants=(Grant.TABLE_WRITE, Grant.OUTBOX_QUEUE_SEND),
    visibility_timeout_s=900,  # worker timeout 150 s: 100,000 recipients written and enqueued, with room
    max_receive_count=5,  # a crashed fan-out resumes from its checkpoint on the next receive
    batch_size=1,  # one campaign per invocation: each gets the whole timeout
    max_concurrency=2,
)

ASSET_UPLOADS = UploadConsumer(logical_id="AssetUploads", segment="assets", queue=ASSET_UPLOADS_QUEUE.logical_id)

RESIDENT_IMPORTS_QUEUE = QueueSpec(
    logical_id="ResidentImports",
    env_var="RESIDENT_IMPORTS_QUEUE_URL",
    worker="functions.workers.import_residents",
    # Reads the CSV, writes residents and the import's progress. No untag/delete: the object expires in a day.
    grants=(Grant.TABLE_WRITE, Grant.IMPORT_OBJECTS_READ),
    # One file per invocation (batch_size 1), so the worker's timeout is one file's budget: 900 s (Lambda's
    # maximum; visibility 6x) covers the 50,000-row cap with room (bench/import_residents.py: 10,000 rows).
    # A worker that dies mid-file resumes from its last checkpoint when the record comes back.
    visibility_timeout_s=5400,
    max_receive_count=3,
    batch_size=1,
    max_concurrency=2,  # imports are rare and write-heavy: two at a time leave DynamoDB to the API
    memory_mb=1024,
)

RESIDENT_IMPORTS = UploadConsumer(logical_id="ResidentImports", segment="imports",
                                  queue=RESIDENT_IMPORTS_QUEUE.logical_id)

SES_EVENTS_TOPIC = TopicSpec(
    logical_id="SesEvents",
    queue="ProviderEvents",
    description="SES configuration-set event destination: send, delivery, bounce, complaint, ...",
)

SMS_INBOUND_TOPIC = TopicSpec(
    logical_id="SmsInbound",
    queue="ProviderEvents",
    description="Two-way SMS: replies such as STOP, START and HELP",
)

SES_CONFIGURATION_SET = "porchlight"  # name prefix; the stack and the local runtime suffix the stage

REQUEUE_DEAD_LETTERS = ScheduledJob(
    logical_id="RequeueOutboxDeadLetters",
    schedule="rate(1 hour)",
    handler="functions.jobs.requeue_dead_letters",
    description="Move both outbox lanes' dead letters back; fail the messages of one moved back too often",
    # The table: a record moved back MAX_DEAD_LETTER_ROUNDS times fails its queued messages (issue 17).
    grants=(Grant.OUTBOX_DLQ_REDRIVE, Grant.OUTBOX_QUEUE_SEND, Grant.PRIORITY_OUTBOX_SEND, Grant.AUDIT_QUEUE_SEND,
            Grant.TABLE_WRITE),
)

RELEASE_STALE_SENDS = ScheduledJob(
    logical_id="ReleaseStaleSends",
    schedule="rate(15 minutes)",
    handler="functions.jobs.release_stale_sends",
    description="Requeue messages a crash left sending with no provider record (never accepted by SES)",
    grants=(Grant.TABLE_WRITE, Grant.OUTBOX_QUEUE_SEND, Grant.PRIORITY_OUTBOX_SEND),  # a message goes to its lane
    timeout_s=300,
)

ROTATE_SIGNING_KEY = ScheduledJob(
    logical_id="RotateSigningKey",
    schedule="rate(30 days)",
    handler="functions.jobs.rotate_signing_key",
    description="Make a new JWT signing key current; keep the previous one accepted for a day",
    grants=(Grant.SIGNING_KEY_ROTATE,),
)

# Issue 12: public account mail (magic links, password resets, portal invitations). The public handlers
# only count rate limits and put the request here, the same calls whether or not the address is known;
# the worker decides whether a mail goes out (through the outbox), so neither timing nor AWS calls of
# the request can tell an attacker which addresses exist.
ACCOUNT_MAIL_QUEUE = QueueSpec(
    logical_id="AccountMail",
    env_var="ACCOUNT_MAIL_QUEUE_URL",
    worker="functions.workers.account_mail",
    grants=(Grant.TABLE_WRITE, Grant.PRIORITY_OUTBOX_SEND, Grant.AUDIT_QUEUE_SEND),  # account mail: priority lane
    visibility_timeout_s=60,
    max_receive_count=5,
    batch_size=10,
)

RESOURCES = Resources(
    table=TABLE,
    signing_key=SIGNING_KEY,
    bucket=ASSETS_BUCKET,
    mfa_key=MFA_KEY,
    queues=(AUDIT_QUEUE, OUTBOX_QUEUE, PRIORITY_OUTBOX_QUEUE, PROVIDER_EVENTS_QUEUE, ASSET_UPLOADS_QUEUE,
            CAMPAIGNS_QUEUE, RESIDENT_IMPORTS_QUEUE, ACCOUNT_MAIL_QUEUE),
    topics=(SES_EVENTS_TOPIC, SMS_INBOUND_TOPIC),
    jobs=(ROTATE_SIGNING_KEY, REQUEUE_DEAD_LETTERS, RELEASE_STALE_SENDS),
    scheduler_group=SCHEDULER_GROUP,
    uploads=(ASSET_UPLOADS, RESIDENT_IMPORTS),
)

AUTHORIZER_HANDLER = "functions.authorizer"
AUTHORIZER_GRANTS: tuple[Grant, ...] = (Grant.TABLE_READ, Grant.SIGNING_KEY_READ)
AUTHORIZER_TIMEOUT_S = 5

# The HTTP API's `$default` route: any method and path that no route of the table matches reaches this
# function (no authorizer, no grants), which answers the contract's 404 body instead of API Gateway's own
# `{"message": "Not Found"}`. The local gateway invokes the same function for an unmatched request.
NOT_FOUND_HANDLER = "functions.api.not_found"


def function_environment(
    *,
    stage: str,
    version: str,
    table_name: str,
    signing_key_secret_id: str,
    mfa_key_id: str,
    bucket_name: str,
    queue_urls: dict[str, str],
    queue_arns: dict[str, str],
    schedule_group: str,
    scheduler_role_arn: str,
    ses_configuration_set: str,
    mail_from_domain: str,
    public_api_url: str,
    app_url: str,
    log_level: str = "INFO",
    ses_max_send_rate: float = 14.0,
    portal_url: str = "",
) -> dict[str, str]:
    """The environment every function gets; the values are CDK tokens in AWS, plain names locally.

    `queue_urls` and `queue_arns` are keyed by `QueueSpec.logical_id`.
    """
    env = {
        "STAGE": stage,
        "APP_VERSION": version,
        "POWERTOOLS_SERVICE_NAME": SERVICE,
        "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        "POWERTOOLS_LOG_LEVEL": log_level,
        TABLE.env_var: table_name,
        SIGNING_KEY.env_var: signing_key_secret_id,
        MFA_KEY.env_var: mfa_key_id,
        ASSETS_BUCKET.env_var: bucket_name,
        SCHEDULER_GROUP.env_var: schedule_group,
        SCHEDULER_GROUP.role_env_var: scheduler_role_arn,
        "SES_CONFIGURATION_SET": ses_configuration_set,
        "MAIL_FROM_DOMAIN": mail_from_domain,  # verified SES identity; senders are no-reply@ / slug@
        "PUBLIC_API_URL": public_api_url,  # base of tracking and unsubscribe links
        "APP_URL": app_url,  # the SPA: base of the links in verification and invitation mail
        "SES_MAX_SEND_RATE": f"{ses_max_send_rate:g}",  # the account's SES rate: outbox workers share it
        # The residents' portal (magic-link landing page): the `portal_url` stack context value, else the
        # SPA's /portal; locally a page the local server serves (infra/local/dev_endpoints.py).
        "PORTAL_URL": portal_url or f"{app_url.rstrip('/')}/portal",
    }
    for queue in RESOURCES.queues:
        env[queue.env_var] = queue_urls[queue.logical_id]
        if queue.arn_env_var:
            env[queue.arn_env_var] = queue_arns[queue.logical_id]
    return env


@dataclass(frozen=True)
class CorsSpec:
    """CORS for the SPA, applied by the HTTP API in AWS and by the local server."""

    allow_headers: tuple[str, ...] = ("authorization", "content-type", "idempotency-key")
    allow_methods: tuple[str, ...] = ("GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS")
    expose_headers: tuple[str, ...] = ("location", "x-next-cursor", "content-disposition")
    max_age_s: int = 600


API_CORS = CorsSpec()
DEFAULT_SPA_ORIGIN = "http://localhost:5173"
# Authorizer results are cached by API Gateway for this long per Authorization header: it is
# the upper bound on how long a revoked session's access token keeps working.
AUTHORIZER_CACHE_TTL_S = 30


# Property operations (issue 11): the rent job. A daily rule fires `ChargeRent`, which puts one message
# per community on the rent queue; a community's message becomes one message per property; a property's
# worker charges its active tenancies (shared.properties.rent_job). Appended so merges stay easy.
RENT_QUEUE = QueueSpec(
    logical_id="RentCharges",
    env_var="RENT_QUEUE_URL",
    worker="functions.workers.charge_rent",
    grants=(Grant.TABLE_WRITE, Grant.RENT_QUEUE_SEND),  # ledger postings; community → property messages
    visibility_timeout_s=720,  # worker timeout 120 s: a property of a few thousand units charged, with room
    max_receive_count=5,  # charging is idempotent per tenancy per due date: a retry charges nothing twice
    batch_size=5,
    max_concurrency=4,  # rent day is DynamoDB-write heavy: leave capacity to the API
)

CHARGE_RENT = ScheduledJob(
    logical_id="ChargeRent",
    # 08:15 UTC is after local midnight in every Canadian and US mainland time zone (Newfoundland to
    # Pacific), so a due date is charged on the day itself; a missed day is caught up by the next run.
    schedule="cron(15 8 * * ? *)",
    handler="functions.jobs.charge_rent",
    description="Charge rent due today (community time) on every active tenancy: fan out by community",
    grants=(Grant.TABLE_READ, Grant.RENT_QUEUE_SEND),
    timeout_s=120,
)

RESOURCES = replace(RESOURCES, queues=(*RESOURCES.queues, RENT_QUEUE), jobs=(*RESOURCES.jobs, CHARGE_RENT))

# Ontario notices (issue 14): the hourly reminder job. `NoticeReminders` puts one message per community
# on its queue; a community's message turns due notices effective and, from 08:00 community time, mails
# its due reminders once each (shared.notices_service.job). Appended so merges stay easy.
NOTICE_QUEUE = QueueSpec(
    logical_id="NoticeReminderQueue",
    env_var="NOTICE_QUEUE_URL",
    worker="functions.workers.notice_reminders",
    grants=(Grant.TABLE_WRITE, Grant.PRIORITY_OUTBOX_SEND),  # claims, notice status; reminder mail via the outbox
    visibility_timeout_s=360,  # worker timeout 60 s, six times over
    max_receive_count=5,  # each reminder is claimed before it is mailed: a retry mails nothing twice
    batch_size=5,
)

NOTICE_REMINDERS = ScheduledJob(
    logical_id="NoticeReminders",
    # Hourly: a community's reminders go out in the first run at or after 08:00 its time, and a missed
    # run is caught up by the next (pending reminders due by today are one key range).
    schedule="cron(5 * * * ? *)",
    handler="functions.jobs.notice_reminders",
    description="Mail due notice reminders (from 08:00 local) and turn notices effective: fan out by community",
    grants=(Grant.TABLE_READ, Grant.NOTICE_QUEUE_SEND),
    timeout_s=120,
)

RESOURCES = replace(RESOURCES, queues=(*RESOURCES.queues, NOTICE_QUEUE), jobs=(*RESOURCES.jobs, NOTICE_REMINDERS))

# Ledger events (issue 14): a payment, credit or reversed charge puts one message here; the notices
# service voids an open N4 whose tenancy's arrears reached 0.00 (RTA s.59(3)) and tells its creator.
LEDGER_EVENTS_QUEUE = QueueSpec(
    logical_id="LedgerEvents",
    env_var="LEDGER_EVENTS_QUEUE_URL",
    worker="functions.workers.ledger_events",
    grants=(Grant.TABLE_WRITE, Grant.PRIORITY_OUTBOX_SEND),  # the notice and its reminders; the creator's mail
    visibility_timeout_s=180,
    max_receive_count=5,  # voiding is conditional on the notice's version: a retry voids nothing twice
)

RESOURCES = replace(RESOURCES, queues=(*RESOURCES.queues, LEDGER_EVENTS_QUEUE))

# Work orders (issue 13): the SLA watch. An hourly rule fires `WorkOrderSlaWatch`, which puts one message
# per community on its queue; a community's worker finds the orders gone past `due_at` (one index range
# per property, filtered to open ones not yet noted) and mails each once (shared.maintenance.sla_watch).
WORK_ORDER_SLA_QUEUE = QueueSpec(
    logical_id="WorkOrderSla",
    env_var="WORK_ORDER_SLA_QUEUE_URL",
    worker="functions.workers.work_order_sla",
    grants=(Grant.TABLE_WRITE, Grant.PRIORITY_OUTBOX_SEND),  # mark the order, its counters; the mail
    visibility_timeout_s=360,  # worker timeout 60 s
    max_receive_count=5,  # marking is conditional and mail ids derived: a retry mails nobody twice
    batch_size=5,
    max_concurrency=2,
)

WORK_ORDER_SLA_WATCH = ScheduledJob(
    logical_id="WorkOrderSlaWatch",
    schedule="rate(1 hour)",
    handler="functions.jobs.work_order_sla_watch",
    description="Mail the assignee (or the property's managers) once when a work order goes past its SLA",
    grants=(Grant.TABLE_READ, Grant.WORK_ORDER_SLA_QUEUE_SEND),
    timeout_s=60,
)

RESOURCES = replace(RESOURCES, queues=(*RESOURCES.queues, WORK_ORDER_SLA_QUEUE),
                    jobs=(*RESOURCES.jobs, WORK_ORDER_SLA_WATCH))

# Work-order attachments (issue 13): photos and videos of a work order, one more upload consumer. An
# object under communities/{cid}/work-orders/{attachment id}/ reaches this queue's worker, which checks
# size and magic bytes, keeps the accepted bytes at their verified key and, for an image, a JPEG thumbnail
# of at most 320 px beside them (Pillow; HEIC through pillow-heif), then deletes the upload object
# (shared.maintenance.attachments). Appended so merges stay easy.
WORK_ORDER_FILES_QUEUE = QueueSpec(
    logical_id="WorkOrderFiles",
    env_var="WORK_ORDER_FILES_QUEUE_URL",
    worker="functions.workers.verify_work_order_files",
    grants=(Grant.TABLE_WRITE, Grant.WORK_ORDER_OBJECTS_READ, Grant.WORK_ORDER_OBJECTS_DELETE,
            Grant.WORK_ORDER_OBJECTS_PUBLISH),
    # Worker timeout 60 s: a 15 MB HEIC decoded and scaled, or a 200 MB video copied (CopyObject, server side).
    visibility_timeout_s=360,
    max_receive_count=5,
    batch_size=2,
    memory_mb=1024,  # a 48-megapixel photo is ~150 MB decoded; memory also buys the CPU that decoding needs
)

WORK_ORDER_FILES = UploadConsumer(logical_id="WorkOrderFiles", segment="work-orders",
                                  queue=WORK_ORDER_FILES_QUEUE.logical_id)

RESOURCES = replace(RESOURCES, queues=(*RESOURCES.queues, WORK_ORDER_FILES_QUEUE),
                    uploads=(*RESOURCES.uploads, WORK_ORDER_FILES))
