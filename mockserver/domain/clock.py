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
    stays frozen. reset() returns to the fixture's start (or to real time).
    """

    def __init__(self, start: float | None = None, *, frozen: bool = False,
                 wall: Callable[[], float] = time.time) -> None:
        if frozen and start is None:
            raise ValueError("a frozen clock needs a start time")
        if start is not None:
            _check_range(start)
        self._start = start
        self.frozen = frozen
        self._wall = wall
        self._offset = 0.0
        self.reset()

    def _base(self) -> float:
        return self._start if self.frozen else self._wall()

    def now(self) -> float:
        # A running clock set near the end of 9999 must not tick past what dates can show.
        return min(self._base() + self._offset, LATEST)

    def reset(self) -> None:
        self._offset = 0.0 if self.frozen or self._start is None else self._start - self._wall()

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
