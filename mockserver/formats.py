"""Date formats on the wire: platform dates and IoT Logic's ISO 8601."""
from __future__ import annotations

import json
from datetime import datetime, timezone

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
