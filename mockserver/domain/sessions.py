"""Log in, resolve credentials, log out, renew, change the password."""
from __future__ import annotations

import hmac
from dataclasses import replace
import re

from . import errors
from .journal import EXPIRED, LOGGED_OUT, PASSWORD_CHANGED, redact
from .model import Session, User
from .world import Principal, World

SESSION_IDLE_LIMIT = 30 * 24 * 3600  # Navixy: sessions die after 30 days of inactivity
PASSWORD_MIN_LENGTH = 6  # user/password/set: 6-20 printable characters
PASSWORD_MAX_LENGTH = 20
HASH_PATTERN = re.compile(r"[0-9a-fA-F]{32}")

SESSION = "session"
API_KEY = "api_key"

# Why a credential is refused, beyond the dead ones' reasons (journal.EXPIRED etc.).
MISSING, MALFORMED, UNKNOWN, VALID = "missing", "malformed", "unknown", "valid"
SESSION_REQUIRED = "session_required"  # a live API key where only a session will do


def authenticate(world: World, credential: object, *, sessions_only: bool = False) -> Principal:
    """Resolve a credential: malformed -> 3; unknown, expired, revoked -> 4.

    Accepting a session refreshes its inactivity timer, even if the call then fails on a later
    rule (e.g. 13 for a sub-user). Lookup is exact: an upper-cased hash is well formed but unknown.
    Every refusal is journaled as access_denied; an expired session is removed (and remembered
    as dead, for explain) when it is presented, not when its time runs out.
    """
    if not well_formed(credential):
        raise _denied(world, errors.WrongHash(), credential, sessions_only)
    store = world.store
    with store.lock:
        now = world.clock.now()
        session = store.session(credential)
        if session is not None:
            if idle_expired(session, now):
                store.remove_session(credential)
                _record_expiry(world, session)
                raise _denied(world, errors.SessionNotFound(), credential, sessions_only)
            session.last_used = now
            return Principal(store.user(session.user_id), SESSION, credential)
        key = store.key(credential)
        # An API key where only a session will do gets 4, as Navixy's api/key docs say.
        if key is not None and not sessions_only:
            return Principal(store.user(key.owner_id), API_KEY, credential)
        raise _denied(world, errors.SessionNotFound(), credential, sessions_only)


def well_formed(credential: object) -> bool:
    return isinstance(credential, str) and HASH_PATTERN.fullmatch(credential) is not None


def idle_expired(session: Session, now: float) -> bool:
    """The one expiry test: authenticate() refuses exactly the sessions this is true for."""
    return now - session.last_used >= SESSION_IDLE_LIMIT


def rejection_reason(world: World, credential: object, sessions_only: bool = False) -> str:
    """Why authenticate() refuses this credential (or VALID if it would not), read without
    touching it: what the journal's access_denied and the X-Mock-Reason header carry.
    An idle-expired session counts as EXPIRED whether or not authenticate() removed it yet."""
    if credential is None:
        return MISSING
    if not well_formed(credential):
        return MALFORMED
    store = world.store
    with store.lock:
        session = store.session(credential)
        if session is not None:
            return EXPIRED if idle_expired(session, world.clock.now()) else VALID
        if store.key(credential) is not None:
            return SESSION_REQUIRED if sessions_only else VALID
    dead = world.graveyard.get(credential)
    return dead.reason if dead is not None else UNKNOWN


def holder_of(world: World, credential: str) -> tuple[str | None, str | None]:
    """(kind, login) of a credential this world issued, live or remembered as dead."""
    store = world.store
    with store.lock:
        session = store.session(credential)
        if session is not None:
            return SESSION, _login(world, session.user_id)
        key = store.key(credential)
        if key is not None:
            return API_KEY, _login(world, key.owner_id)
    dead = world.graveyard.get(credential)
    return (dead.kind, dead.login) if dead is not None else (None, None)


def _login(world: World, user_id: int) -> str | None:
    user = world.store.user(user_id)
    return user.login if user is not None else None


def _denied(world: World, error: errors.NavixyError, credential: object,
            sessions_only: bool) -> errors.NavixyError:
    """Journal a refused credential (redacted) and hand back the error to raise."""
    reason = rejection_reason(world, credential, sessions_only)
    kind, login = holder_of(world, credential) if well_formed(credential) else (None, None)
    world.journal.record("access_denied", login, code=error.code, reason=reason, kind=kind,
                         credential=redact(credential) if well_formed(credential) else None)
    return error


def _record_expiry(world: World, session: Session) -> None:
    """A session found idle past the limit: it died at last use + 30 days, whenever noticed."""
    login = _login(world, session.user_id)
    died = session.last_used + SESSION_IDLE_LIMIT
    world.graveyard.bury(session.hash, SESSION, login, EXPIRED, died)
    world.journal.record("session_expired", login, session=redact(session.hash),
                         idle_seconds=world.clock.now() - session.last_used)


def login_of(world: World, credential: object) -> str | None:
    """Whose credential this is, without authenticate()'s side effects (no refresh, no expiry):
    a live session's user or an API key's owner; None for anything authenticate would refuse
    (a fault's `match.login` reads it before the call runs)."""
    if not isinstance(credential, str):
        return None
    store = world.store
    with store.lock:
        session = store.session(credential)
        if session is not None:
            if world.clock.now() - session.last_used >= SESSION_IDLE_LIMIT:
                return None
            user = store.user(session.user_id)
        else:
            key = store.key(credential)
            user = store.user(key.owner_id) if key is not None else None
        return user.login if user is not None else None


def auth(world: World, login: str, password: str, dealer_id: int | None = None) -> str:
    """user/auth: a new session hash. A dealer mismatch looks like a wrong password (102)."""
    store = world.store
    with store.lock:
        user = store.user_by_login(login)
        why = _refusal(user, password, dealer_id)
        if why is not None:
            world.journal.record("login_failed", login, code=errors.WrongLogin.code, reason=why)
            raise errors.WrongLogin()
        if not user.activated:
            world.journal.record("login_failed", login, code=errors.UserNotActivated.code,
                                 reason="not_activated")
            raise errors.UserNotActivated()
        now = world.clock.now()
        hash_ = world.new_hash()
        store.add_session(Session(hash_, user.id, created_at=now, last_used=now))
        world.journal.record("login", user.login, session=redact(hash_))
        return hash_


def _refusal(user: User | None, password: str, dealer_id: int | None) -> str | None:
    """Why user/auth answers 102. The caller cannot tell these apart; the journal can."""
    if user is None:
        return "unknown_login"
    if not _same(user.password, password):
        return "wrong_password"
    if dealer_id is not None and dealer_id != user.dealer_id:
        return "dealer_mismatch"
    return None


def logout(world: World, principal: Principal) -> None:
    """Ends this session only; the user's other sessions and API keys live on."""
    with world.store.lock:
        world.store.remove_session(principal.hash)
        world.graveyard.bury(principal.hash, SESSION, principal.user.login, LOGGED_OUT,
                             world.clock.now())
        world.journal.record("logout", principal.user.login, session=redact(principal.hash))


def renew(world: World, principal: Principal) -> None:
    """user/session/renew: authenticate() already refreshed the session; only journal it."""
    world.journal.record("session_renewed", principal.user.login, session=redact(principal.hash))


def user_and_master(world: World, principal: Principal) -> tuple[User, User | None]:
    user = principal.user
    return user, (None if user.is_owner else world.store.user(user.master_id))


def set_password(world: World, principal: Principal, old_password: str, new_password: str) -> None:
    """Wrong old -> 248, same as old -> 245; success ends every session of the user, keys stay."""
    store = world.store
    with store.lock:
        user = principal.user
        if not _same(user.password, old_password):
            raise errors.WrongPassword()
        if new_password == old_password:
            raise errors.SamePassword()
        now = world.clock.now()
        # Records are shared with the fixture (and other worlds): replace, never mutate.
        user = replace(user, password=new_password, password_changed_at=now)
        store.add_user(user)
        ended = []
        for session in store.remove_sessions_of(user.id):
            if idle_expired(session, now):  # already dead of old age, not of this change
                _record_expiry(world, session)
            else:
                world.graveyard.bury(session.hash, SESSION, user.login, PASSWORD_CHANGED, now)
                ended.append(redact(session.hash))
        world.journal.record("password_changed", user.login)
        world.journal.record("sessions_invalidated", user.login, reason=PASSWORD_CHANGED,
                             count=len(ended), sessions=sorted(ended))


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))
