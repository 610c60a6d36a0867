"""What happened in a world, for tests to read: a bounded journal of domain events and a
bounded memory of dead credentials (what /__mock__/explain answers from).

Both are bounded so a long fuzzing run or load test cannot grow memory without limit: past the
cap the oldest entries drop. Each has its own lock, taken after the store's (never the other
way round), so recording from inside a rule cannot deadlock.
"""
from __future__ import annotations

import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from .clock import Clock

DEFAULT_CAP = 10_000

EVENT_TYPES = (
    "login", "login_failed", "logout", "session_renewed", "session_expired",
    "password_changed", "sessions_invalidated", "key_created", "key_deleted",
    "key_limit_reached", "access_denied", "flow_created", "flow_updated", "flow_deleted",
    "reset", "request_invalid",
)

# Why a credential stopped working (explain's reasons for a dead one).
EXPIRED, LOGGED_OUT, PASSWORD_CHANGED, REVOKED = "expired", "logged_out", "password_changed", "revoked"


def redact(hash_: str) -> str:
    """Enough to tell credentials apart in a journal, too little to use one."""
    return hash_[:4] + "…"


def _check_cap(cap: int) -> int:
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise ValueError(f"the journal cap must be a positive integer, not {cap!r}")
    return cap


@dataclass(frozen=True)
class Event:
    seq: int
    at: float  # epoch seconds on the world's mock clock
    type: str
    login: str | None
    detail: dict[str, Any] = field(default_factory=dict)


class Journal:
    """Events numbered 1, 2, 3, ... per world. Numbers are never reused: not when old events
    drop past the cap, not on clear(), not on a world reset, so `since=SEQ` cursors stay valid."""

    def __init__(self, clock: Clock, cap: int = DEFAULT_CAP) -> None:
        self._clock = clock
        self._events: deque[Event] = deque(maxlen=_check_cap(cap))
        self._last_seq = 0
        self._lock = threading.Lock()

    @property
    def cap(self) -> int:
        return self._events.maxlen

    @property
    def last_seq(self) -> int:
        """The newest seq handed out so far (0 before the first event), cleared or not."""
        return self._last_seq

    def record(self, type_: str, login: str | None = None, **detail: Any) -> Event:
        if type_ not in EVENT_TYPES:
            raise ValueError(f"unknown journal event type {type_!r}")
        with self._lock:
            self._last_seq += 1
            event = Event(self._last_seq, self._clock.now(), type_, login, detail)
            self._events.append(event)  # a full deque drops its oldest event here
            return event

    def since(self, seq: int = 0) -> list[Event]:
        """Events with a seq greater than `seq`, oldest first."""
        return self.read(seq)[0]

    def read(self, seq: int = 0) -> tuple[list[Event], int]:
        """since(seq) and last_seq, taken together: polling with since=last_seq misses nothing."""
        with self._lock:
            return [event for event in self._events if event.seq > seq], self._last_seq

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


@dataclass(frozen=True)
class DeadCredential:
    kind: str  # "session" | "api_key"
    login: str | None
    reason: str  # expired | logged_out | password_changed | revoked
    at: float  # when it stopped working


class Graveyard:
    """hash -> how it died, for the credentials this world has seen die. Bounded like the
    journal; past the cap the longest-dead are forgotten (explain then says "unknown")."""

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        self._cap = _check_cap(cap)
        self._dead: OrderedDict[str, DeadCredential] = OrderedDict()
        self._lock = threading.Lock()

    def bury(self, hash_: str, kind: str, login: str | None, reason: str, at: float) -> None:
        with self._lock:
            self._dead.pop(hash_, None)  # re-buried (a reissued hash): newest death wins
            self._dead[hash_] = DeadCredential(kind, login, reason, at)
            while len(self._dead) > self._cap:
                self._dead.popitem(last=False)

    def get(self, hash_: str) -> DeadCredential | None:
        with self._lock:
            return self._dead.get(hash_)

    def __len__(self) -> int:
        return len(self._dead)

    def clear(self) -> None:
        with self._lock:
            self._dead.clear()
