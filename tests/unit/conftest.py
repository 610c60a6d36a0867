"""Unit fixtures: principals logged in on tests/conftest.py's `world` (frozen clock); no Flask."""
from __future__ import annotations

import pytest

from tests.unit.support import OTHER, OWNER, SUBUSER, log_in


@pytest.fixture
def owner(world):
    return log_in(world, OWNER)


@pytest.fixture
def sub(world):
    return log_in(world, SUBUSER)


@pytest.fixture
def other(world):
    return log_in(world, OTHER)
