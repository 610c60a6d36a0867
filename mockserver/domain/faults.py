"""Injected faults: which request a fault matches, whether it fires, and what it does.

A fault is a test's deliberate instruction ("the next 2 calls to /v2/user/auth answer 429"),
kept per world so it follows X-Mock-Namespace. Plain Python: the web layer asks `decide()` for
the action and carries it out (web/guards.py).

Matching, in creation order; the first fault that matches *and* fires is the only one applied:
- path: exact, a trailing slash ignored, or a glob where `*` stands for any run of characters
  (including `/`): "/v2/iot/logic/*", "/v2/*/list", "*". Nothing else is special.
- method: exact (upper case). Absent = any method except OPTIONS, so CORS preflights pass.
- login: the login behind the request's credential (session or API key owner; a credential
  that would not authenticate has no login), or the `login` parameter on /v2/user/auth.
- probability: a draw from the world's one seeded random.Random, made only for a fault that
  matched, so the same seed and the same requests give the same faults.
- times: counts down each time the fault fires; at 0 the fault is removed.
"""
from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field
from typing import Callable

from . import errors

MAX_DELAY_MS = 30_000  # a delay is real time (a slow network), so it is bounded
MAX_FAULTS = 100  # per world
METHODS = ("GET", "POST", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE")
CONTROL_PREFIX = "/__mock__"
DEFAULT_RETRY_AFTER = 1  # seconds, for a 429 fault that names none

# A status without a code: Navixy's code for it where the error table has an obvious one.
_CODE_FOR_STATUS = {429: 15, 503: 8}
# Codes of Navixy's table the fake never raises itself (the rest come from errors.py).
_EXTRA_DESCRIPTIONS = {
    1: "Database error", 2: "Service Auth error", 8: "Queue service error, try again later",
    11: "Access denied", 12: "Dealer not found", 14: "Database unavailable",
}


class InjectedFault(errors.NavixyError):
    """The error a fault answers with: any code, an optional HTTP status override."""

    def __init__(self, code: int, *, http_status: int | None, retry_after: int | None) -> None:
        self.code = code
        super().__init__(description_of(code))
        self.http_status = http_status
        self.retry_after = retry_after


def description_of(code: int) -> str:
    known = {cls.code: cls.description for cls in _error_classes()}
    return known.get(code) or _EXTRA_DESCRIPTIONS.get(code) or f"Injected fault (code {code})"


def _error_classes():
    todo = [errors.NavixyError]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls is not InjectedFault:
            yield cls


@dataclass
class Action:
    delay_ms: int = 0
    status: int | None = None
    code: int | None = None
    retry_after: int | None = None
    drop_connection: bool = False

    @property
    def is_error(self) -> bool:
        return self.status is not None or self.code is not None

    def error(self) -> InjectedFault | None:
        """The envelope error to answer with, or None (delay only, or a dropped connection)."""
        if not self.is_error:
            return None
        code = self.code if self.code is not None else _CODE_FOR_STATUS.get(self.status, 6)
        retry_after = self.retry_after
        if retry_after is None and (code == 15 or self.status == 429):
            retry_after = DEFAULT_RETRY_AFTER
        return InjectedFault(code, http_status=self.status, retry_after=retry_after)

    def to_dict(self) -> dict:
        out = {"delay_ms": self.delay_ms, "status": self.status, "code": self.code,
               "retry_after": self.retry_after, "drop_connection": self.drop_connection}
        return {k: v for k, v in out.items() if v is not None}


@dataclass
class Fault:
    id: str
    path: str
    method: str | None
    login: str | None
    action: Action
    times: int | None = None  # None = until deleted
    probability: float | None = None  # None = always
    fired: int = 0
    _pattern: re.Pattern = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._pattern = re.compile(".*".join(re.escape(part) for part in self.path.split("*")))

    def matches(self, path: str, method: str) -> bool:
        if self.method is None and method == "OPTIONS":
            return False
        if self.method is not None and self.method != method:
            return False
        return self._pattern.fullmatch(normalize_path(path)) is not None

    def to_dict(self) -> dict:
        match = {"path": self.path}
        if self.method is not None:
            match["method"] = self.method
        if self.login is not None:
            match["login"] = self.login
        return {"id": self.id, "match": match, "action": self.action.to_dict(),
                "times": self.times, "probability": self.probability, "fired": self.fired}


def normalize_path(path: str) -> str:
    return path.rstrip("/") or "/"


def new_fault(fault_id: str, match: dict, action: dict, times: int | None = None,
              probability: float | None = None) -> Fault:
    """A fault from validated parameters; the rules a schema cannot express raise code 7."""
    path = match["path"]
    if normalize_path(path).startswith(CONTROL_PREFIX):
        raise errors.InvalidParameters.one(
            "match.path", "faults apply to Navixy paths only, never to /__mock__")
    act = Action(**action)
    if act.drop_connection and (act.is_error or act.retry_after is not None):
        raise errors.InvalidParameters.one(
            "action.drop_connection", "a dropped connection has no answer: leave out status, "
                                      "code and retry_after")
    if act.retry_after is not None and not act.is_error:
        raise errors.InvalidParameters.one("action.retry_after", "needs status or code")
    if not (act.delay_ms or act.is_error or act.drop_connection):
        raise errors.InvalidParameters.one(
            "action", "give at least one of delay_ms (> 0), status, code, drop_connection (true)")
    return Fault(fault_id, normalize_path(path) if not path.endswith("*") else path,
                 match.get("method"), match.get("login"), act, times, probability)


class Faults:
    """One world's faults. Its own lock: decide() runs on every Navixy call, outside the store."""

    def __init__(self, rng: random.Random) -> None:
        self._random = rng
        self._faults: dict[str, Fault] = {}
        self._next_id = 1
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._faults)

    def add(self, match: dict, action: dict, times: int | None = None,
            probability: float | None = None) -> Fault:
        with self._lock:
            if len(self._faults) >= MAX_FAULTS:
                raise errors.InvalidParameters.one(
                    "faults", f"at most {MAX_FAULTS} faults per world; delete some first")
            fault = new_fault(f"f{self._next_id}", match, action, times, probability)
            self._next_id += 1
            self._faults[fault.id] = fault
            return fault

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._faults.values())

    def remove(self, fault_id: str) -> bool:
        with self._lock:
            return self._faults.pop(fault_id, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def decide(self, path: str, method: str, login: Callable[[], str | None]) -> Action | None:
        """The action of the first matching fault that fires, counting it down; else None.
        `login` is called at most once, and only if a matching fault names a login."""
        with self._lock:
            if not self._faults:
                return None
            who: list[str | None] = []
            for fault in list(self._faults.values()):
                if not fault.matches(path, method):
                    continue
                if fault.login is not None:
                    if not who:
                        who.append(login())
                    if who[0] != fault.login:
                        continue
                if fault.probability is not None and self._random.random() >= fault.probability:
                    continue
                fault.fired += 1
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        del self._faults[fault.id]
                return fault.action
            return None
