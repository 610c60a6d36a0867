"""Helpers for the unit tests: log in through the domain and expect a Navixy error code."""
from __future__ import annotations

from contextlib import contextmanager

import pytest

from mockserver.domain import sessions
from mockserver.domain.errors import NavixyError
from mockserver.domain.world import Principal, World
from mockserver.formats import parse_iso
from tests.helpers import DAY, INACTIVE, OTHER, OWNER, PASSWORDS, SUBUSER  # noqa: F401 (re-exported)

START = parse_iso("2026-01-01T00:00:00Z")
IDLE_LIMIT = 2_592_000  # 30 days, written out so a changed constant fails the tests
OWNER_FLOWS = {1234, 1235}
OTHER_FLOWS = {2001}


def log_in(world: World, login: str = OWNER) -> Principal:
    """user/auth then authenticate, as a request would: the Principal of a fresh session."""
    return sessions.authenticate(world, sessions.auth(world, login, PASSWORDS[login]))


@contextmanager
def navixy_error(code: int, kind: type[NavixyError] = NavixyError):
    """Expect a NavixyError of this class carrying this code."""
    with pytest.raises(kind) as info:
        yield info
    assert info.value.code == code, f"got {info.value.code} {info.value.description!r}, expected {code}"
