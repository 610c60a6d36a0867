"""Date formats on the wire: platform dates and IoT Logic's ISO 8601."""
from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone

PLATFORM_FORMAT = "%Y-%m-%d %H:%M:%S"


def platform_date(ts: float) -> str:
    """Navixy platform dates (create_date, creation_date): yyyy-MM-dd HH:mm:ss, here in UTC."""
    return datetime.fromtimestamp(ts, timezone.utc).strftime(PLATFORM_FORMAT)


def iso_date(ts: float) -> str:
    """IoT Logic `modified` and the control plane: 2024-01-15T10:30:00Z."""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_platform_date(text: str) -> float:
    return datetime.strptime(text, PLATFORM_FORMAT).replace(tzinfo=timezone.utc).timestamp()


def parse_iso(text: str) -> float:
    """ISO 8601; a value without a zone is taken as UTC. Raises ValueError."""
    if not text.isascii() or not text.isprintable():  # fromisoformat tolerates a NUL in places
        raise ValueError(f"not an ISO 8601 date-time: {text!r}")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


# State snapshots: RFC 3339 in UTC, to the microsecond, years 0001 to 9999.
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
FIRST_INSTANT = -62135596800.0  # 0001-01-01T00:00:00Z
LAST_INSTANT = 253402300799.0  # 9999-12-31T23:59:59Z
_RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})")


def instant(ts: float) -> str:
    """2026-01-01T00:00:00Z, with .ffffff only when there are microseconds.

    Rounded to the microsecond, so instant(parse_instant(instant(t))) == instant(t): a snapshot
    exported, loaded and exported again is the same text.
    """
    seconds = math.floor(ts)
    micros = int(seconds) * 1_000_000 + round((ts - seconds) * 1_000_000)  # ts - seconds is exact
    return (_EPOCH + timedelta(microseconds=micros)).isoformat().removesuffix("+00:00") + "Z"


def parse_instant(text: str) -> float:
    """RFC 3339 with a zone (Z or +hh:mm) and at most 6 fraction digits. Raises ValueError."""
    if not isinstance(text, str) or not _RFC3339.fullmatch(text):
        raise ValueError("must be an RFC 3339 date-time with a zone, e.g. 2026-01-01T00:00:00Z")
    micros = (datetime.fromisoformat(text) - _EPOCH) // _MICROSECOND
    ts = micros / 1_000_000  # int / int: correctly rounded
    if not FIRST_INSTANT <= ts <= LAST_INSTANT:
        raise ValueError("must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z")
    return ts


MAX_DEPTH = 64  # deeper JSON would blow the stack when parsed or written back


def parse_json(raw: bytes | str, error: type[Exception]):
    """json.loads that rejects NaN/Infinity and absurd nesting with `error`, never a 500."""
    try:
        data = json.loads(raw, parse_constant=_not_json)
    except (ValueError, RecursionError):  # ValueError includes UnicodeDecodeError
        raise error("Wrong request format") from None
    if _depth_exceeds(data, MAX_DEPTH):
        raise error(f"Wrong request format: JSON nested deeper than {MAX_DEPTH} levels")
    return data


def _depth_exceeds(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > limit:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return False


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")
