"""N11 (agreement to end the tenancy): every signature (RTA s.37), and a date on or after the agreement."""

from __future__ import annotations

from datetime import date

import pytest

from shared.notices import evaluate, rules
from shared.notices.models import Check, NoticeType, Party, ServiceMethod
from tests.support.notices import d, tenancy

pytestmark = pytest.mark.unit
ANN = "Ann Tenant"
BOB = "Bob Tenant"


def parties(ann: str | None, bob: str | None | bool = False) -> tuple[Party, ...]:
    """Ann always; Bob only when `bob` is not False (None: Bob has not signed)."""
    found = [Party(resident_id="r1", name=ANN, lead=True, signed_on=d(ann) if ann else None)]
    if bob is not False:
        found.append(Party(resident_id="r2", name=BOB, signed_on=d(bob) if isinstance(bob, str) else None))
    return tuple(found)


def signature_check(ann: str | None, bob: str | None | bool, landlord: str | None,
                    served: str = "2026-11-20") -> Check:
    t = tenancy(start_on=d("2024-03-01"), parties=parties(ann, bob))
    result = evaluate.evaluate(NoticeType.N11, t, d(served), ServiceMethod.HAND, d("2027-01-31"),
                               landlord_signed_on=d(landlord) if landlord else None)
    return next(c for c in result.checks if c.rule == rules.N11_SIGNATURES)


# (ann signed, bob signed (False: no Bob), landlord signed, ok, named in the message)
SIGNATURES = [
    ("2026-11-10", False, "2026-11-11", True, None),
    ("2026-11-10", "2026-11-12", "2026-11-11", True, None),
    (None, False, "2026-11-11", False, ANN),
    ("2026-11-10", None, "2026-11-11", False, BOB),  # one co-tenant has not signed
    ("2026-11-10", "2026-11-12", None, False, "the landlord"),
    (None, None, None, False, "the landlord"),
    ("2026-11-21", False, "2026-11-11", False, ANN),  # signed only after it was served
    ("2026-11-10", "2026-11-25", "2026-11-11", False, BOB),
    ("2026-11-10", False, "2026-11-30", False, "the landlord"),
    ("2026-11-20", "2026-11-20", "2026-11-20", True, None),  # signed on the day it was delivered
    ("2024-02-15", False, "2026-11-11", False, ANN),  # signed before the tenancy began: s.37(4)
    ("2024-03-01", False, "2026-11-11", True, None),
    ("2026-11-10", "2023-12-01", "2026-11-11", False, BOB),
]


@pytest.mark.parametrize(("ann", "bob", "landlord", "ok", "named"), SIGNATURES)
def test_n11_needs_every_signature(ann: str | None, bob: str | None | bool, landlord: str | None, ok: bool,
                                   named: str | None) -> None:
    found = signature_check(ann, bob, landlord)
    assert found.ok is ok
    assert found.citation == "RTA s.37(1), (4)"
    if named:
        assert named in found.message


def test_n11_without_a_tenant_is_refused() -> None:
    result = evaluate.evaluate(NoticeType.N11, tenancy(parties=()), d("2026-11-20"), ServiceMethod.HAND,
                               d("2027-01-31"), landlord_signed_on=d("2026-11-01"))
    assert [c.rule for c in result.failed] == [rules.N11_SIGNATURES]


# (method, served, last signature, termination, ok): any date on or after delivery and the last signature.
TERMINATION = [
    (ServiceMethod.HAND, "2026-11-20", "2026-11-20", "2026-11-20", True),
    (ServiceMethod.HAND, "2026-11-20", "2026-11-20", "2026-11-19", False),
    (ServiceMethod.HAND, "2026-11-20", "2026-11-18", "2026-12-31", True),
    (ServiceMethod.MAIL, "2026-11-20", "2026-11-18", "2026-11-25", True),
    (ServiceMethod.MAIL, "2026-11-20", "2026-11-18", "2026-11-24", False),
    (ServiceMethod.COURIER, "2026-12-24", "2026-12-20", "2026-12-29", True),
    (ServiceMethod.COURIER, "2026-12-24", "2026-12-20", "2026-12-28", False),
    (ServiceMethod.HAND, "2026-11-20", "2026-11-20", "2027-06-30", True),
]


@pytest.mark.parametrize(("method", "served", "signed", "termination", "ok"), TERMINATION)
def test_n11_termination_date(method: ServiceMethod, served: str, signed: str, termination: str, ok: bool) -> None:
    t = tenancy(parties=parties(signed))
    result = evaluate.evaluate(NoticeType.N11, t, d(served), method, d(termination), landlord_signed_on=d(signed))
    found = next(c for c in result.checks if c.rule == rules.N11_TERMINATION)
    assert found.ok is ok
    assert result.ok is ok


def test_n11_earliest_date_is_the_later_of_delivery_and_the_last_signature() -> None:
    t = tenancy(parties=parties("2026-11-10", "2026-11-12"))
    calc = evaluate.calculate(NoticeType.N11, t, d("2026-11-11"), ServiceMethod.HAND,
                              landlord_signed_on=d("2026-11-14"))
    assert calc.earliest_effective_on == date(2026, 11, 14)
    assert {r.rule for r in calc.rules} == {rules.SERVICE_HAND, rules.N11_SIGNATURES, rules.N11_TERMINATION}
