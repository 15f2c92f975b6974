"""Demo data on start: the super admin and a demo community, through `shared.identity.seed`.

The seed functions are the identity domain's own (idempotent) code; the runtime only calls
them once the resources exist, under the invocation lock like any handler code.
"""

from __future__ import annotations

import dataclasses
import logging
import threading

from infra.local.config import SuperAdmin
from shared.campaigns import demo as demo_content
from shared.community import repository as communities
from shared.demo import rentals as rental_demo
from shared.identity import seed as identity_seed
from shared.identity.seed import DemoCommunity
from shared.intake import demo as intake_demo
from shared.maintenance import demo as work_order_demo
from shared.messaging import account_mail
from shared.notices_service import demo as notices_demo
from shared.portal import demo as portal_demo

log = logging.getLogger("infra.local.seed")

__all__ = ["DemoCommunity", "seed"]


def seed(super_admin: SuperAdmin, lock: threading.Lock) -> DemoCommunity:
    """Create (or find) the super admin and the demo community; the demo community's sign-in."""
    with lock:
        identity_seed.seed_super_admin(super_admin.email, super_admin.password, super_admin.totp_secret)
        demo = identity_seed.seed_demo_community(mailer=account_mail)
        community = communities.community_by_slug(demo.slug)
        campaign_id = demo_content.seed(community.id, demo.admin_email) if community else None
        if community is not None:  # issue 12: a tenant whose magic-link mail lands in the dev mailbox
            demo = dataclasses.replace(demo, portal_email=portal_demo.seed(community.id, demo.admin_email))
        rentals = rental_demo.seed()  # issue 11: a rental community with properties, tenancies and ledgers
        rental_community = communities.community_by_slug(rentals.slug)
        # issue 15: a rental application, in the community that rents
        application_id = intake_demo.seed(rental_community.id) if rental_community else None
        # issue 14: a served N4 (with its reminders) for the tenant in arrears and a draft N1
        notice_ids = notices_demo.seed(rental_community.id, in_arrears="Sofia", increase_for="Priya") \
            if rental_community else []
        # issue 13: work orders in the rental community (one emergency, one overdue, one scheduled)
        orders = work_order_demo.seed(rental_community.id, rentals.admin_email) if rental_community else []
    log.info("seeded rental community %s (%s): properties, tenancies, four months of rent ledgers",
             rentals.name, rentals.slug)
    log.info("seeded super admin %s and demo community %s", super_admin.email, demo.slug)
    if campaign_id:
        log.info("demo residents, a dues template, the 'Delinquent owners' segment and a draft campaign %r "
                 "(%s): try POST /v1/campaigns/%s/send", demo_content.CAMPAIGN_NAME, campaign_id, campaign_id)
    if notice_ids:
        log.info("a served N4 and a draft N1 in %s: GET /v1/notices, GET /v1/reminders", rentals.slug)
    if orders:
        log.info("%d demo work orders in %s (one emergency, one overdue): GET /v1/work-orders", len(orders),
                 rentals.slug)
    if application_id:
        log.info("a rental application on intake form version 1 in %s: GET /v1/applications/%s", rentals.slug,
                 application_id)
    return demo
