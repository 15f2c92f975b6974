"""`make bench-lanes`' figures from accept times: the steady-state window, the whole run, fairness."""

from __future__ import annotations

import pytest

from bench.lanes import RAMP_S, fairness, steady_state, whole_run

pytestmark = pytest.mark.unit


def test_the_steady_state_runs_from_after_the_ramp_to_the_last_waiting_chunk() -> None:
    sends = [i / 10 for i in range(200)]  # 10/s for 20 s
    tail = [20.0 + i for i in range(10)]  # then a slow tail: 1/s, the last chunks finishing
    efficiency, seconds = steady_state(sends + tail, sends + tail, backlog_until=15.0, rate=10)
    assert seconds == pytest.approx(15.0 - RAMP_S)
    assert efficiency == pytest.approx(1.0, abs=0.01)  # the tail after the backlog ran out is not in it
    assert whole_run(sends + tail, sends + tail, rate=10) < 0.75  # the whole run does count it


def test_a_gap_while_chunks_wait_counts_against_the_design() -> None:
    sends = [i / 10 for i in range(100)] + [15 + i / 10 for i in range(100)]  # 5 s idle in the middle
    efficiency, _ = steady_state(sends, sends, backlog_until=24.0, rate=10)
    assert efficiency == pytest.approx((90 + 91) / 230, abs=0.001)  # 1.0-9.9 and 15.0-24.0 over 23 s


def test_one_off_mails_inside_the_window_count_toward_the_rate() -> None:
    campaign = [i / 10 for i in range(100)]
    one_offs = [5.05, 6.05]
    efficiency, seconds = steady_state(campaign, campaign + one_offs, backlog_until=20.0, rate=10)
    assert seconds == pytest.approx(9.9 - RAMP_S)
    assert efficiency * 10 * seconds == pytest.approx(90 + 2)


def test_no_steady_state_is_an_error_not_a_figure() -> None:
    with pytest.raises(ValueError):
        steady_state([0.0, 0.5], [0.0, 0.5], backlog_until=0.5, rate=10)


def test_fairness_is_the_slower_ones_progress_when_the_faster_finishes() -> None:
    fast = [float(i) for i in range(10)]  # done at 9
    slow = [float(i) for i in range(0, 20, 2)]  # 5 of 10 sent by 9
    assert fairness({"a": fast, "b": slow}) == pytest.approx(0.5)
    assert fairness({"a": fast, "b": list(fast)}) == pytest.approx(1.0)
