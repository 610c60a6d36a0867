from __future__ import annotations

import os

import pytest

from mockserver.app import create_app
from mockserver.config import Config
from mockserver.domain.clock import MockClock
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture
from mockserver.formats import parse_iso
from tests.helpers import NavixyClient

START = parse_iso("2026-01-01T00:00:00Z")
# The suite runs in strict mode: every answer of the app is checked against its own OpenAPI
# document (mockserver/web/strict.py), so a drift between code and spec fails a test.
# MOCKSERVER_TEST_STRICT=0 turns it off (to time it, or to bisect); tests/live.py reads it too.
STRICT_TESTS = os.environ.get("MOCKSERVER_TEST_STRICT", "1") != "0"
STRICT = {"STRICT": STRICT_TESTS}


@pytest.fixture(autouse=True)
def _strict_by_default(request, monkeypatch):
    """Apps a test builds itself (create_app({...})) are strict too, unless the test is marked
    `lenient` (the test of the default itself)."""
    if STRICT_TESTS and request.node.get_closest_marker("lenient") is None:
        monkeypatch.setattr(Config, "STRICT", True)


@pytest.fixture
def clock() -> MockClock:
    """Frozen, so every expiry in a test moves only when the test advances it."""
    return MockClock(START, frozen=True)


@pytest.fixture
def world(clock) -> World:
    return World(load_fixture(), clock)


@pytest.fixture
def app(world):
    return create_app(STRICT, world=world)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def navixy(client) -> NavixyClient:
    return NavixyClient(client)


@pytest.fixture(scope="module")
def module_app():
    """One app per test module, for modules that override `app` to reset it before each test
    (as the pytest plugin does for users): an app per case would dominate their run time."""
    return create_app(STRICT, world=World(load_fixture(), MockClock(START, frozen=True)))
