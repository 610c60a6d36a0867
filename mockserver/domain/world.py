"""A World is one isolated Navixy: a store, a clock and a source of fresh hashes."""
from __future__ import annotations

import random
import secrets
import threading
from dataclasses import dataclass
from typing import Callable

from .clock import MockClock
from .conformance import CallStats
from .faults import Faults
from .fixture import Fixture
from .journal import DEFAULT_CAP, Graveyard, Journal
from .model import User
from .ratelimit import RateLimiter
from .store import Store


DEFAULT_SEED = 0  # `mockserver serve --seed`: a fixed default, so runs repeat exactly


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
                 new_hash: Callable[[], str] = lambda: secrets.token_hex(16), *,
                 seed: int = DEFAULT_SEED, journal_cap: int = DEFAULT_CAP) -> None:
        self.fixture = fixture
        self.seed = seed
        self.random = random.Random(seed)  # the world's one source of randomness (fault draws)
        self.faults = Faults(self.random)
        self.rate_limiter = RateLimiter()
        self.clock = clock if clock is not None else fixture.make_clock()
        self._new_hash = new_hash
        self.journal = Journal(self.clock, journal_cap)  # kept across reset (see reset())
        self.graveyard = Graveyard(journal_cap)  # dead credentials, for explain
        self._store: Store | None = None  # seeded from the fixture on first use
        self.calls = CallStats()  # kept across reset: it describes the traffic, not the state
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
        """Back to the fixture: a freshly built store (not a field-by-field undo) and clock.

        The journal is kept and gets a "reset" event, so seq numbers never repeat and a test
        reading `since=SEQ` sees the reset. Dead credentials are forgotten: the credentials of
        the old store are all gone, and explain calls them "unknown", as for a fresh server.
        """
        with self.store.lock:
            self._store = self.fixture.build_store()
            self.clock.reset()
            self.graveyard.clear()
            self.journal.record("reset")
            # Faults and rate counters start over too, and the seed replays from the start.
            self.random.seed(self.seed)
            self.faults = Faults(self.random)
            self.rate_limiter = RateLimiter()

    def replace(self, store: Store, now: float, *, frozen: bool) -> None:
        """Swap in a whole state built beforehand (a snapshot): one assignment under the lock,
        so a request sees the old world or the new one, never a mix. reset() still returns to
        the fixture."""
        with self.store.lock:
            self._store = store
            self.clock.restore(now, frozen=frozen)

    def new_hash(self) -> str:
        """A 32-hex credential no session or key already uses (callers hold the lock)."""
        while True:
            candidate = self._new_hash()
            if self.store.session(candidate) is None and self.store.key(candidate) is None:
                return candidate
