"""Named isolated worlds: the default one plus one per X-Mock-Namespace, made on first use."""
from __future__ import annotations

import re
import threading

from . import errors
from .fixture import Fixture
from .world import World

NAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MAX_NAMESPACES = 1000  # a bound, so a runaway client cannot exhaust memory with names


class Namespaces:
    def __init__(self, fixture: Fixture, default: World) -> None:
        self.fixture = fixture
        self.default = default
        self._named: dict[str, World] = {}
        self._lock = threading.Lock()

    def world(self, name: str | None) -> World:
        """The world for `name` (None or "" = the default). Creating one builds no store:
        World seeds itself from the parsed fixture on first use."""
        if not name:
            return self.default
        world = self._named.get(name)
        if world is not None:
            return world
        if not NAME_PATTERN.fullmatch(name):
            raise errors.InvalidParameters.one(
                "X-Mock-Namespace", "1-64 characters: letters, digits, '_', '.', '-'")
        with self._lock:
            if name not in self._named:
                if len(self._named) >= MAX_NAMESPACES:
                    raise errors.InvalidParameters.one(
                        "X-Mock-Namespace", f"at most {MAX_NAMESPACES} namespaces; drop some first")
                self._named[name] = World(self.fixture, seed=self.default.seed,
                                          journal_cap=self.default.journal.cap)
            return self._named[name]

    def names(self) -> list[str]:
        return sorted(self._named)

    def drop(self, name: str) -> bool:
        with self._lock:
            return self._named.pop(name, None) is not None
