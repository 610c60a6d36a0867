"""MockClock: real time plus an offset, or a frozen instant; set/advance move the offset."""
from __future__ import annotations

import math
import time

import pytest

from mockserver.domain.clock import EARLIEST, LATEST, ClockOutOfRange, MockClock
from mockserver.formats import parse_iso
from tests.unit.support import START


class Wall:
    """A stand-in for time.time() that moves only when told to."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_clock_without_a_start_follows_real_time():
    wall = Wall()
    clock = MockClock(wall=wall)
    assert clock.now() == wall.now
    wall.now += 42
    assert clock.now() == wall.now


def test_the_default_wall_is_the_real_time():
    before = time.time()
    now = MockClock().now()
    assert before <= now <= time.time()


def test_a_running_clock_with_a_start_begins_there_and_keeps_running():
    wall = Wall()
    clock = MockClock(START, wall=wall)
    assert clock.now() == START
    wall.now += 10
    assert clock.now() == START + 10


def test_a_frozen_clock_ignores_real_time():
    wall = Wall()
    clock = MockClock(START, frozen=True, wall=wall)
    wall.now += 3600
    assert clock.now() == START


def test_a_frozen_clock_needs_a_start():
    with pytest.raises(ValueError):
        MockClock(frozen=True)


def test_set_moves_a_frozen_clock_to_the_instant_and_it_stays_frozen():
    wall = Wall()
    clock = MockClock(START, frozen=True, wall=wall)
    target = parse_iso("2030-06-15T12:00:00Z")
    clock.set(target)
    wall.now += 100
    assert clock.now() == target


def test_set_moves_a_running_clock_which_keeps_running_from_there():
    wall = Wall()
    clock = MockClock(wall=wall)
    target = parse_iso("2030-06-15T12:00:00Z")
    clock.set(target)
    assert clock.now() == target
    wall.now += 5
    assert clock.now() == target + 5


def test_set_may_move_the_clock_backwards():
    clock = MockClock(START, frozen=True)
    clock.set(START - 86400)
    assert clock.now() == START - 86400


def test_advance_adds_seconds_to_a_frozen_clock():
    clock = MockClock(START, frozen=True)
    clock.advance(90)
    clock.advance(0.5)
    assert clock.now() == START + 90.5


def test_advance_keeps_a_running_clock_running():
    wall = Wall()
    clock = MockClock(START, wall=wall)
    clock.advance(1000)
    wall.now += 7
    assert clock.now() == START + 1007


def test_reset_returns_a_frozen_clock_to_its_start():
    clock = MockClock(START, frozen=True)
    clock.advance(86400)
    clock.reset()
    assert clock.now() == START


def test_reset_returns_a_running_clock_to_its_start_at_the_moment_of_the_reset():
    wall = Wall()
    clock = MockClock(START, wall=wall)
    clock.advance(86400)
    wall.now += 500
    clock.reset()
    assert clock.now() == START
    wall.now += 3
    assert clock.now() == START + 3


def test_reset_returns_a_clock_without_a_start_to_real_time():
    wall = Wall()
    clock = MockClock(wall=wall)
    clock.set(parse_iso("2040-01-01T00:00:00Z"))
    clock.reset()
    assert clock.now() == wall.now


def test_the_range_ends_are_1970_and_the_last_second_of_9999():
    assert EARLIEST == parse_iso("1970-01-01T00:00:00Z")
    assert LATEST == parse_iso("9999-12-31T23:59:59Z")


@pytest.mark.parametrize("instant", [EARLIEST, LATEST])
def test_set_accepts_both_ends_of_the_range(instant):
    clock = MockClock(START, frozen=True)
    clock.set(instant)
    assert clock.now() == instant


@pytest.mark.parametrize("instant", [EARLIEST - 1, LATEST + 1, -1e12, math.inf, -math.inf, math.nan])
def test_set_outside_the_range_raises_and_leaves_the_clock_alone(instant):
    clock = MockClock(START, frozen=True)
    with pytest.raises(ClockOutOfRange):
        clock.set(instant)
    assert clock.now() == START


@pytest.mark.parametrize("seconds", [LATEST - START + 1, -(START + 1), math.inf, math.nan])
def test_advance_outside_the_range_raises_and_leaves_the_clock_alone(seconds):
    clock = MockClock(START, frozen=True)
    with pytest.raises(ClockOutOfRange):
        clock.advance(seconds)
    assert clock.now() == START


def test_advance_to_exactly_the_last_second_is_allowed():
    clock = MockClock(START, frozen=True)
    clock.advance(LATEST - START)
    assert clock.now() == LATEST


def test_clock_out_of_range_is_a_value_error():
    # The control plane can then treat it like any other bad input (code 7, never 500).
    assert issubclass(ClockOutOfRange, ValueError)


@pytest.mark.parametrize("start", [EARLIEST - 1, LATEST + 1])
def test_a_start_outside_the_range_raises(start):
    with pytest.raises(ClockOutOfRange):
        MockClock(start, frozen=True)


def test_a_running_clock_never_reads_past_the_end_of_the_range():
    wall = Wall()
    clock = MockClock(wall=wall)
    clock.set(LATEST)
    wall.now += 1
    assert clock.now() <= LATEST
