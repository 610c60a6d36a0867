"""Navixy's rate limit: N requests per second per user and per IP; API keys count on their own.

Fixed one-second windows on the world's mock clock: the window is the whole second of
`clock.now()`, so a test that advances the clock by a second opens a new window, and a frozen
clock keeps everyone in one window until it moves. Only the current second's counters are
kept, so memory stays bounded by one second of traffic.
"""
from __future__ import annotations

import math
import threading

from . import errors

RETRY_AFTER = 1  # seconds: the next window is at most one second away

IP = "ip"
USER = "user"
API_KEY = "api_key"


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._second: int | None = None
        self._counts: dict[tuple[str, object], int] = {}

    def hit(self, kind: str, ident: object, now: float, limit: int) -> None:
        """Count one request for (kind, ident); past `limit` in this second -> code 15.
        A refused request is not counted."""
        second = math.floor(now)
        with self._lock:
            if second != self._second:  # a new window (or the clock was set back)
                self._second, self._counts = second, {}
            count = self._counts.get((kind, ident), 0)
            if count >= limit:
                raise errors.TooManyRequests()
            self._counts[(kind, ident)] = count + 1

    def hit_principal(self, principal, now: float, limit: int) -> None:
        """A session counts against its user (all of the user's sessions share one counter);
        an API key against itself, apart from the user's sessions."""
        if principal.kind == API_KEY:
            self.hit(API_KEY, principal.hash, now, limit)
        else:
            self.hit(USER, principal.user.id, now, limit)
