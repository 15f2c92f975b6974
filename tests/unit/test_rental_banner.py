"""The start-up banner tells a newcomer how to sign in to the rental demo (issue 11)."""

import pytest

from infra.local import banner
from infra.local.seeding import DemoCommunity
from shared.demo import rentals as demo

pytestmark = pytest.mark.unit


def test_the_banner_prints_the_rental_community_sign_in() -> None:
    text = banner.render(api_url="http://127.0.0.1:8000", aws_url="http://127.0.0.1:4566",
                         demo=DemoCommunity("Maple Grove HOA", "maple-grove-hoa", "a@x.com", "pw"), super_admin=None,
                         startup_s=1.0)
    for needle in (demo.NAME, demo.SLUG, demo.ADMIN_EMAIL, demo.ADMIN_PASSWORD, demo.ADMIN_TOTP_SECRET,
                   demo.OWNER_EMAIL, demo.OWNER_PASSWORD, "/_dev/jobs/ChargeRent"):
        assert needle in text
    assert demo.NAME not in banner.render(api_url="u", aws_url="a", demo=None, super_admin=None, startup_s=0)
