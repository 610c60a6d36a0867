"""The one clock every expiry reads. Times are float seconds since the Unix epoch, UTC."""
from __future__ import annotations

import time
from typing import Callable, Protocol

# Dates must stay formattable as yyyy-MM-dd HH:mm:ss; beyond these bounds datetime overflows.
EARLIEST = 0.0  # 1970-01-01T00:00:00Z
LATEST = 253402300799.0  # 9999-12-31T23:59:59Z


class ClockOutOfRange(ValueError):
    """A set or advance would move the clock outside [1970, 9999]."""


class Clock(Protocol):
    def now(self) -> float: ...


class MockClock:
    """Real time plus an offset, or a frozen instant plus an offset.

    Advance and set only change the offset, so a running clock keeps running and a frozen one
    stays frozen. reset() returns to the fixture's start (or to real time); restore() jumps to
    a snapshot's instant and mode without changing what reset() returns to.
    """

    def __init__(self, start: float | None = None, *, frozen: bool = False,
                 wall: Callable[[], float] = time.time) -> None:
        if frozen and start is None:
            raise ValueError("a frozen clock needs a start time")
        if start is not None:
            _check_range(start)
        self._start = start
        self._start_frozen = frozen
        self._wall = wall
        self.reset()

    def _base(self) -> float:
        return self._pinned if self.frozen else self._wall()

    def now(self) -> float:
        # A running clock set near the end of 9999 must not tick past what dates can show.
        return min(self._base() + self._offset, LATEST)

    def reset(self) -> None:
        start, frozen = self._start, self._start_frozen
        self._switch(frozen, start, 0.0 if frozen or start is None else start - self._wall())

    def restore(self, instant: float, *, frozen: bool) -> None:
        """Stand at `instant`, frozen there or running on from it (loading a state snapshot)."""
        _check_range(instant)
        self._switch(frozen, instant, 0.0 if frozen else instant - self._wall())

    def _switch(self, frozen: bool, pinned: float | None, offset: float) -> None:
        # `pinned` is where a frozen clock stands before its offset. The order of assignments
        # keeps now() defined for a reader on another thread (never frozen at None).
        if frozen:
            self._pinned, self._offset, self.frozen = pinned, offset, True
        else:
            self.frozen, self._offset, self._pinned = False, offset, pinned

    def set(self, instant: float) -> None:
        _check_range(instant)
        self._offset = instant - self._base()

    def advance(self, seconds: float) -> None:
        target = self.now() + seconds
        _check_range(target)
        self._offset += seconds


def _check_range(instant: float) -> None:
    if not EARLIEST <= instant <= LATEST:
        raise ClockOutOfRange("the clock must stay between 1970-01-01 and 9999-12-31")
