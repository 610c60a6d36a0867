"""Why a credential works or not: what /__mock__/explain answers.

Read-only: explaining a session neither refreshes it nor removes it when it has expired
(authenticate() does both; a test asking "why?" must not change the answer to the next call).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..formats import iso_date
from .journal import EXPIRED, LOGGED_OUT, PASSWORD_CHANGED, REVOKED
from .sessions import (API_KEY, MALFORMED, SESSION, SESSION_IDLE_LIMIT, UNKNOWN, VALID,
                       idle_expired, well_formed)
from .world import World


@dataclass(frozen=True)
class Explanation:
    valid: bool
    kind: str | None  # "session" | "api_key" | None (malformed, unknown)
    login: str | None
    reason: str  # valid | malformed | unknown | expired | logged_out | password_changed | revoked
    at: float | None  # when it stopped working; None while it works or if never known
    detail: str  # one sentence for a human


_DEAD = {
    EXPIRED: "{kind} of {login} expired at {at}: 30 days passed without use (Navixy code 4).",
    LOGGED_OUT: "{kind} of {login} was ended by user/logout at {at} (Navixy code 4).",
    PASSWORD_CHANGED: "{kind} of {login} was ended at {at} when the user changed the password "
                      "(Navixy code 4).",
    REVOKED: "{kind} of {login} was deleted at {at} (Navixy code 4).",
}
_KIND = {SESSION: "Session", API_KEY: "API key"}


def explain(world: World, credential: str) -> Explanation:
    if not well_formed(credential):
        what = (f"this has {len(credential)}" if len(credential) != 32
                else "this has other characters")
        return Explanation(False, None, None, MALFORMED, None, (
            f"Not a credential: Navixy session hashes and API keys are 32 hexadecimal "
            f"characters, {what} (Navixy code 3)."))
    store = world.store
    with store.lock:
        now = world.clock.now()
        session = store.session(credential)
        if session is not None:
            login = _login(world, session.user_id)
            until = session.last_used + SESSION_IDLE_LIMIT
            if idle_expired(session, now):  # not looked at since it died: still in the store
                return _dead(EXPIRED, SESSION, login, until)
            return Explanation(True, SESSION, login, VALID, None, (
                f"Live session of {login}, last used {iso_date(session.last_used)}; it expires "
                f"at {iso_date(until)} unless used before then."))
        key = store.key(credential)
        if key is not None:
            login = _login(world, key.owner_id)
            return Explanation(True, API_KEY, login, VALID, None, (
                f"API key {key.title!r} of {login}, created {iso_date(key.created_at)}; API keys "
                f"never expire and work on every endpoint except key management and the "
                f"session calls (there they get code 4)."))
        dead = world.graveyard.get(credential)
        if dead is not None:
            return _dead(dead.reason, dead.kind, dead.login, dead.at)
        lower = credential.lower()
        if lower != credential and (store.session(lower) or store.key(lower)
                                    or world.graveyard.get(lower)):
            hint = ("lookup is exact, and the lower-case form of this hash is a credential "
                    "this world knows")
        else:
            hint = ("it may belong to another namespace, predate a reset, or have died too "
                    "long ago to be remembered")
    return Explanation(False, None, None, UNKNOWN, None,
                       f"No session or API key has this hash in this world (Navixy code 4); {hint}.")


def _dead(reason: str, kind: str, login: str | None, at: float) -> Explanation:
    detail = _DEAD[reason].format(kind=_KIND[kind], login=login, at=iso_date(at))
    return Explanation(False, kind, login, reason, at, detail)


def _login(world: World, user_id: int) -> str | None:
    user = world.store.user(user_id)
    return user.login if user is not None else None
