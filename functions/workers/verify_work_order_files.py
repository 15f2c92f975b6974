"""WorkOrderFiles worker: S3 ObjectCreated (via EventBridge → SQS) under communities/*/work-orders/* → verdict.

Each new object is checked against its attachment's declared type and size, and an image gets its
thumbnail (`shared.maintenance.attachments`); records that failed for now are reported in
`batchItemFailures` and come back.
"""

from shared.maintenance import attachments
from shared.spec.resources import WORK_ORDER_FILES
from shared.uploads import notifications

handler = notifications.worker(WORK_ORDER_FILES, attachments.on_object_created)
