"""A parsed fixture: plain data, built into a fresh store on start and on every reset."""
from __future__ import annotations

from dataclasses import dataclass, field

from .clock import MockClock
from .model import ApiKey, Flow, User
from .store import MemoryStore


@dataclass
class Fixture:
    users: list[User] = field(default_factory=list)
    keys: list[ApiKey] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    clock_start: float | None = None
    clock_frozen: bool = False

    def make_clock(self) -> MockClock:
        return MockClock(self.clock_start, frozen=self.clock_frozen)

    def build_store(self) -> MemoryStore:
        # No copies: users, keys and flows are frozen records that rules replace, never
        # mutate, so every world can share the fixture's. Reset and a namespace's first use
        # cost only the indexing, not a deep copy of the world.
        store = MemoryStore()
        for user in self.users:
            store.add_user(user)
        for key in self.keys:
            store.add_key(key)
        for flow in self.flows:
            store.put_flow(flow)
        return store
