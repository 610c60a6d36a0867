"""What clients sent, per operation: how many calls, how many malformed, which codes came back.

Lets a frontend or QA team see at a glance which calls their client gets wrong.
"""
from __future__ import annotations

import threading
from collections import Counter

MALFORMED_CODES = (5, 7)  # the request itself was wrong (format, parameters)


class CallStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, Counter] = {}

    def record(self, operation: str, code: int | None) -> None:
        """`code` is the Navixy error code, or None for a success."""
        with self._lock:
            counts = self._calls.get(operation)
            if counts is None:  # not setdefault(operation, Counter()): a Counter per call
                counts = self._calls[operation] = Counter()
            counts["count"] += 1
            if code is not None:
                counts[code] += 1

    def summary(self) -> list[dict]:
        with self._lock:
            snapshot = {op: dict(counts) for op, counts in self._calls.items()}
        rows = []
        for operation in sorted(snapshot):
            counts = snapshot.pop(operation)
            total = counts.pop("count")
            rows.append({"operation": operation, "count": total,
                         "invalid": sum(counts.get(c, 0) for c in MALFORMED_CODES),
                         "ok": total - sum(counts.values()),
                         "codes": {str(code): n for code, n in sorted(counts.items())}})
        return rows
