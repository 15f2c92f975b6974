"""RentCharges worker: a community's message fans out to its properties; a property's charges its rent.

Partial batch failures are reported (a failed record comes back, then the DLQ after the queue's
bound); charging is idempotent per tenancy per due date, so a retry never charges twice.
"""

from __future__ import annotations

from functions.workers.parsed import worker
from shared.properties import rent_job

handler = worker(rent_job.RentBody, lambda body: rent_job.handle(body.message()), "rent message")
