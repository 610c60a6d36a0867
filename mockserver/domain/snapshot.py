"""State snapshots: a world as a versioned JSON-ready document, and a document as a new store.

capture(world) -> dict is the document GET /__mock__/state returns. build(data) takes that
document *after* schemas.StateDocument has checked its shape and turned its instants into epoch
seconds, checks what a schema cannot (unique ids and hashes, every reference resolves), and
returns a complete new store; restore() swaps it in. Nothing of the old world changes until
the swap, so a bad document leaves the state untouched.

Instants are RFC 3339 UTC to the microsecond (formats.instant), so export -> import -> export
gives the same text. Records keep their store order: it is the order Navixy lists keys and
flows in.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import errors
from .clock import EARLIEST, LATEST
from .keys import MAX_KEYS_PER_ACCOUNT
from .model import ApiKey, Flow, Session, User
from .store import MemoryStore
from .world import World
from ..formats import instant

VERSION = 1


def capture(world: World) -> dict:
    """The whole state of `world`: users (with passwords), sessions, API keys, flows, the next
    flow id and the clock. Read under the store's lock, so it is one consistent moment."""
    store = world.store
    with store.lock:
        return {
            "version": VERSION,
            "clock": {"now": instant(world.clock.now()), "frozen": world.clock.frozen},
            "users": [_user(u) for u in store.users()],
            "sessions": [{"hash": s.hash, "user_id": s.user_id, "created_at": instant(s.created_at),
                          "last_used": instant(s.last_used)} for s in store.sessions()],
            "api_keys": [{"hash": k.hash, "owner_id": k.owner_id, "title": k.title,
                          "created_at": instant(k.created_at)} for k in store.keys()],
            "flows": [_flow(f) for f in store.flows()],
            "next_flow_id": store.peek_next_flow_id(),
        }


def _user(user: User) -> dict:
    return {"id": user.id, "login": user.login, "password": user.password, "title": user.title,
            "first_name": user.first_name, "last_name": user.last_name,
            "activated": user.activated, "master_id": user.master_id, "dealer_id": user.dealer_id,
            "creation_date": instant(user.creation_date), "locale": user.locale,
            "time_zone": user.time_zone, "privileges": list(user.privileges),
            "password_changed_at": None if user.password_changed_at is None
            else instant(user.password_changed_at)}


def _flow(flow: Flow) -> dict:
    return {"id": flow.id, "owner_id": flow.owner_id, "title": flow.title,
            "description": flow.description, "enabled": flow.enabled, "nodes": flow.nodes,
            "edges": flow.edges, "modified": instant(flow.modified)}


@dataclass
class State:
    """A loaded snapshot, ready to swap in."""
    store: MemoryStore
    now: float
    frozen: bool


def build(data: dict) -> State:
    """A new store from a schema-checked document. Raises InvalidParameters (code 7) naming
    every field that breaks a rule: `users.2.master_id`, `sessions.0.hash`, ..."""
    problems: list[dict] = []

    def problem(parameter: str, error: str) -> None:
        problems.append({"parameter": parameter, "error": error})

    store = MemoryStore()
    users: dict[int, User] = {}
    logins: set[str] = set()
    for i, raw in enumerate(data["users"]):
        if raw["id"] in users:
            problem(f"users.{i}.id", f"duplicate user id {raw['id']}")
        elif raw["login"] in logins:
            problem(f"users.{i}.login", f"duplicate login {raw['login']!r}")
        else:
            users[raw["id"]] = User(**raw)
            logins.add(raw["login"])
    # A master must be an owner (no master of its own): no chains, no self-reference.
    owners = {uid for uid, user in users.items() if user.master_id is None}
    for i, raw in enumerate(data["users"]):
        master = raw["master_id"]
        if master is not None and master not in owners:
            problem(f"users.{i}.master_id", f"{master} is not the id of an account owner")
    for user in users.values():
        store.add_user(user)

    hashes: set[str] = set()

    def fresh_hash(parameter: str, hash_: str) -> bool:
        if hash_ in hashes:
            problem(parameter, "this hash is already used by another session or API key")
            return False
        hashes.add(hash_)
        return True

    for i, raw in enumerate(data["sessions"]):
        if raw["user_id"] not in users:
            problem(f"sessions.{i}.user_id", f"no user with id {raw['user_id']}")
        if fresh_hash(f"sessions.{i}.hash", raw["hash"]):
            store.add_session(Session(**raw))
    for i, raw in enumerate(data["api_keys"]):
        if raw["owner_id"] not in owners:
            problem(f"api_keys.{i}.owner_id", f"{raw['owner_id']} is not the id of an account owner")
        elif len(store.keys_of(raw["owner_id"])) >= MAX_KEYS_PER_ACCOUNT:
            problem(f"api_keys.{i}.owner_id", f"account {raw['owner_id']} would have more than "
                                              f"{MAX_KEYS_PER_ACCOUNT} API keys")
        if fresh_hash(f"api_keys.{i}.hash", raw["hash"]):
            store.add_key(ApiKey(**raw))

    flow_ids: set[int] = set()
    for i, raw in enumerate(data["flows"]):
        if raw["owner_id"] not in owners:
            problem(f"flows.{i}.owner_id", f"{raw['owner_id']} is not the id of an account owner")
        if raw["id"] in flow_ids:
            problem(f"flows.{i}.id", f"duplicate flow id {raw['id']}")
        flow_ids.add(raw["id"])
        store.put_flow(Flow(**raw))
    next_flow_id = data["next_flow_id"]
    if flow_ids and next_flow_id <= max(flow_ids):
        problem("next_flow_id", f"must be greater than every flow id (the highest is {max(flow_ids)})")
    store.set_next_flow_id(next_flow_id)

    clock = data["clock"]
    if not EARLIEST <= clock["now"] <= LATEST:
        problem("clock.now", "the clock must stay between 1970-01-01 and 9999-12-31")
    if problems:
        raise errors.InvalidParameters("Invalid state snapshot", errors=problems)
    return State(store, clock["now"], clock["frozen"])


def restore(world: World, state: State) -> None:
    """Make `state` the world's state and clock. reset() still goes back to the fixture."""
    world.replace(state.store, state.now, frozen=state.frozen)
