"""Where the records live, behind named methods so a shared backend can replace the dicts.

Every compound rule (check, then write) runs under `store.lock`; it is reentrant so a rule
can call helpers that lock again.
"""
from __future__ import annotations

import threading
from typing import Iterable, Protocol

from .model import ApiKey, Flow, Session, User


class Store(Protocol):
    lock: threading.RLock

    def user(self, user_id: int) -> User | None: ...
    def user_by_login(self, login: str) -> User | None: ...
    def users(self) -> Iterable[User]: ...
    def add_user(self, user: User) -> None: ...

    def session(self, hash_: str) -> Session | None: ...
    def add_session(self, session: Session) -> None: ...
    def remove_session(self, hash_: str) -> Session | None: ...
    def remove_sessions_of(self, user_id: int) -> list[Session]: ...
    def sessions(self) -> Iterable[Session]: ...

    def key(self, hash_: str) -> ApiKey | None: ...
    def keys_of(self, owner_id: int) -> list[ApiKey]: ...
    def keys(self) -> Iterable[ApiKey]: ...
    def add_key(self, key: ApiKey) -> None: ...
    def remove_key(self, hash_: str) -> ApiKey | None: ...

    def flow(self, flow_id: int) -> Flow | None: ...
    def flows_of(self, owner_id: int) -> list[Flow]: ...
    def flows(self) -> Iterable[Flow]: ...
    def put_flow(self, flow: Flow) -> None: ...
    def remove_flow(self, flow_id: int) -> Flow | None: ...
    def next_flow_id(self) -> int: ...
    def peek_next_flow_id(self) -> int: ...
    def set_next_flow_id(self, flow_id: int) -> None: ...


class MemoryStore:
    """Dicts plus the indexes the rules need, so no lookup scans another account's data."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._users: dict[int, User] = {}
        self._users_by_login: dict[str, User] = {}
        self._sessions: dict[str, Session] = {}
        self._sessions_by_user: dict[int, set[str]] = {}
        self._keys: dict[str, ApiKey] = {}
        self._keys_by_owner: dict[int, dict[str, ApiKey]] = {}  # insertion order = creation order
        self._flows: dict[int, Flow] = {}
        self._flows_by_owner: dict[int, dict[int, Flow]] = {}
        self._last_flow_id = 0

    # users
    def user(self, user_id: int) -> User | None:
        return self._users.get(user_id)

    def user_by_login(self, login: str) -> User | None:
        return self._users_by_login.get(login)

    def users(self) -> Iterable[User]:
        return list(self._users.values())

    def add_user(self, user: User) -> None:
        self._users[user.id] = user
        self._users_by_login[user.login] = user

    # sessions
    def session(self, hash_: str) -> Session | None:
        return self._sessions.get(hash_)

    def add_session(self, session: Session) -> None:
        self._sessions[session.hash] = session
        self._sessions_by_user.setdefault(session.user_id, set()).add(session.hash)

    def remove_session(self, hash_: str) -> Session | None:
        session = self._sessions.pop(hash_, None)
        if session is not None:
            self._sessions_by_user.get(session.user_id, set()).discard(hash_)
        return session

    def remove_sessions_of(self, user_id: int) -> list[Session]:
        hashes = self._sessions_by_user.pop(user_id, set())
        return [self._sessions.pop(h) for h in hashes if h in self._sessions]

    def sessions(self) -> Iterable[Session]:
        return list(self._sessions.values())

    # API keys
    def key(self, hash_: str) -> ApiKey | None:
        return self._keys.get(hash_)

    def keys_of(self, owner_id: int) -> list[ApiKey]:
        return list(self._keys_by_owner.get(owner_id, {}).values())

    def keys(self) -> Iterable[ApiKey]:
        return list(self._keys.values())  # creation order, across accounts

    def add_key(self, key: ApiKey) -> None:
        self._keys[key.hash] = key
        self._keys_by_owner.setdefault(key.owner_id, {})[key.hash] = key

    def remove_key(self, hash_: str) -> ApiKey | None:
        key = self._keys.pop(hash_, None)
        if key is not None:
            self._keys_by_owner.get(key.owner_id, {}).pop(hash_, None)
        return key

    # IoT Logic flows
    def flow(self, flow_id: int) -> Flow | None:
        return self._flows.get(flow_id)

    def flows_of(self, owner_id: int) -> list[Flow]:
        return list(self._flows_by_owner.get(owner_id, {}).values())

    def flows(self) -> Iterable[Flow]:
        return list(self._flows.values())

    def put_flow(self, flow: Flow) -> None:
        self._flows[flow.id] = flow
        self._flows_by_owner.setdefault(flow.owner_id, {})[flow.id] = flow
        self._last_flow_id = max(self._last_flow_id, flow.id)

    def remove_flow(self, flow_id: int) -> Flow | None:
        flow = self._flows.pop(flow_id, None)
        if flow is not None:
            self._flows_by_owner.get(flow.owner_id, {}).pop(flow_id, None)
        return flow

    def next_flow_id(self) -> int:
        self._last_flow_id += 1
        return self._last_flow_id

    def peek_next_flow_id(self) -> int:
        """The id next_flow_id() will hand out, without taking it (state snapshots)."""
        return self._last_flow_id + 1

    def set_next_flow_id(self, flow_id: int) -> None:
        """Hand out `flow_id` next; never below a stored flow's id, so ids stay unique."""
        self._last_flow_id = max(flow_id - 1, *self._flows, 0)
