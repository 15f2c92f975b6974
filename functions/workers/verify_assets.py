"""AssetUploads worker: S3 ObjectCreated (via EventBridge → SQS) under communities/*/assets/* → verdict.

Each new object is checked against its asset's declared type and size (`shared.assets.verify`);
records that failed for now are reported in `batchItemFailures` and come back.
"""

from shared.assets import verify
from shared.spec.resources import ASSET_UPLOADS
from shared.uploads import notifications

handler = notifications.worker(ASSET_UPLOADS, verify.on_object_created)
