"""ResidentImports worker: S3 ObjectCreated (via EventBridge → SQS) under communities/*/imports/* → import.

One file per invocation (the queue's batch size is 1): the import is claimed, its rows validated and
upserted in batches, its progress written as it goes (`shared.imports.run`). A record whose import
is busy elsewhere, or that failed for now, is reported in `batchItemFailures` and comes back.
"""

from shared.imports import run
from shared.spec.resources import RESIDENT_IMPORTS
from shared.uploads import notifications

handler = notifications.worker(RESIDENT_IMPORTS, run.on_object_created)
