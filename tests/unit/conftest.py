"""Unit fixtures: a World built from the default fixture on a frozen clock; no Flask."""
from __future__ import annotations

import pytest

from mockserver.domain.clock import MockClock
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture
from tests.unit.support import OTHER, OWNER, START, SUBUSER, log_in


@pytest.fixture
def clock() -> MockClock:
    """Frozen: time moves only when a test moves it."""
    return MockClock(START, frozen=True)


@pytest.fixture
def world(clock) -> World:
    return World(load_fixture(), clock)


@pytest.fixture
def owner(world):
    return log_in(world, OWNER)


@pytest.fixture
def sub(world):
    return log_in(world, SUBUSER)


@pytest.fixture
def other(world):
    return log_in(world, OTHER)
