"""A World is one isolated Navixy: a store, a clock and a source of fresh hashes."""
from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Callable

from .clock import MockClock
from .fixture import Fixture
from .model import User
from .store import Store


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: the user, and whether it came with a session or an API key."""
    user: User
    kind: str  # "session" | "api_key"
    hash: str

    @property
    def account_id(self) -> int:
        return self.user.account_id


class World:
    def __init__(self, fixture: Fixture, clock: MockClock | None = None,
                 new_hash: Callable[[], str] = lambda: secrets.token_hex(16)) -> None:
        self.fixture = fixture
        self.clock = clock if clock is not None else fixture.make_clock()
        self._new_hash = new_hash
        self._store: Store | None = None  # seeded from the fixture on first use
        self._seed_lock = threading.Lock()

    @property
    def store(self) -> Store:
        store = self._store
        if store is None:
            with self._seed_lock:
                if self._store is None:
                    self._store = self.fixture.build_store()
                store = self._store
        return store

    def reset(self) -> None:
        """Back to the fixture: a freshly built store (not a field-by-field undo) and clock."""
        with self.store.lock:
            self._store = self.fixture.build_store()
            self.clock.reset()

    def new_hash(self) -> str:
        """A 32-hex credential no session or key already uses (callers hold the lock)."""
        while True:
            candidate = self._new_hash()
            if self.store.session(candidate) is None and self.store.key(candidate) is None:
                return candidate
