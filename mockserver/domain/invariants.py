"""The model's invariants, checked against the store: what /__mock__/invariants reports.

Each rule is written here a second time, independently of the code that enforces it, so the
check is an oracle: a bug in a rule (or a state loaded from elsewhere) shows up as a violation.

"Live" session = one authenticate() would accept now. Sessions are removed lazily (when next
presented), so an idle-expired session still in the store is not live and not a violation;
one that authenticate() would accept although 30 idle days have passed is.

Times are compared on the mock clock: moving the clock back before a password change makes
sessions issued afterwards look older than the change, and they are then reported.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import keys, sessions
from .journal import redact
from .model import Session
from .store import Store
from .world import World

IDLE_DAYS = 30  # INTERFACE.md: a session unused for 30 days gets 4


@dataclass(frozen=True)
class Violation:
    rule: str
    subject: str  # what breaks it: "account owner@example.com", "session 1a2b…", "flow 7"
    message: str


RULES = ("key_limit", "session_idle", "session_before_password_change", "session_user",
         "key_owner", "flow_owner")


def check(world: World) -> list[Violation]:
    store = world.store
    with store.lock:  # one consistent picture
        now = world.clock.now()
        return [*_key_limit(store), *_live_sessions(store, now), *_owners(store)]


def _key_limit(store: Store) -> list[Violation]:
    counts = Counter(key.owner_id for key in store.keys())
    return [Violation("key_limit", f"account {_name(store, owner_id)}",
                      f"{count} API keys, over the limit of {keys.MAX_KEYS_PER_ACCOUNT}")
            for owner_id, count in sorted(counts.items()) if count > keys.MAX_KEYS_PER_ACCOUNT]


def _live_sessions(store: Store, now: float) -> list[Violation]:
    found = []
    for session in store.sessions():
        if sessions.idle_expired(session, now):  # authenticate() refuses it: not live
            continue
        subject = f"session {redact(session.hash)}"
        user = store.user(session.user_id)
        if user is None:
            found.append(Violation("session_user", subject,
                                   f"live session of user id {session.user_id}, who does not exist"))
            continue
        idle = now - session.last_used
        if idle >= IDLE_DAYS * 24 * 3600:
            found.append(Violation("session_idle", subject, (
                f"live session of {user.login} unused for {idle / 86400:.1f} days "
                f"(at most {IDLE_DAYS})")))
        if _issued_before_password_change(session, user.password_changed_at):
            found.append(Violation("session_before_password_change", subject, (
                f"live session of {user.login} issued before the user's last password change")))
    return found


def _issued_before_password_change(session: Session, changed_at: float | None) -> bool:
    return changed_at is not None and session.created_at < changed_at


def _owners(store: Store) -> list[Violation]:
    found = []
    for key in store.keys():
        problem = _not_an_owner(store, key.owner_id)
        if problem:
            found.append(Violation("key_owner", f"key {redact(key.hash)}", f"API key {problem}"))
    for flow in store.flows():
        problem = _not_an_owner(store, flow.owner_id)
        if problem:
            found.append(Violation("flow_owner", f"flow {flow.id}", f"flow {problem}"))
    return found


def _not_an_owner(store: Store, user_id: int) -> str | None:
    user = store.user(user_id)
    if user is None:
        return f"owned by user id {user_id}, who does not exist"
    if not user.is_owner:
        return f"owned by {user.login}, a sub-user (only account owners own keys and flows)"
    return None


def _name(store: Store, user_id: int) -> str:
    user = store.user(user_id)
    return user.login if user is not None else f"id {user_id}"
