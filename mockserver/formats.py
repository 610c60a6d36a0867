"""Date formats on the wire: platform dates and IoT Logic's ISO 8601."""
from __future__ import annotations

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
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()
