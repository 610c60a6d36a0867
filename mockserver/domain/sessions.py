"""Log in, resolve credentials, log out, renew, change the password."""
from __future__ import annotations

import hmac
import re

from . import errors
from .model import Session, User
from .world import Principal, World

SESSION_IDLE_LIMIT = 30 * 24 * 3600  # Navixy: sessions die after 30 days of inactivity
PASSWORD_MIN_LENGTH = 6  # user/password/set: 6-20 printable characters
PASSWORD_MAX_LENGTH = 20
HASH_PATTERN = re.compile(r"[0-9a-fA-F]{32}")

SESSION = "session"
API_KEY = "api_key"


def authenticate(world: World, credential: object, *, sessions_only: bool = False) -> Principal:
    """Resolve a credential: malformed -> 3; unknown, expired, revoked -> 4.

    Accepting a session refreshes its inactivity timer, even if the call then fails on a later
    rule (e.g. 13 for a sub-user). Lookup is exact: an upper-cased hash is well formed but unknown.
    """
    if not isinstance(credential, str) or not HASH_PATTERN.fullmatch(credential):
        raise errors.WrongHash()
    store = world.store
    with store.lock:
        now = world.clock.now()
        session = store.session(credential)
        if session is not None:
            if now - session.last_used >= SESSION_IDLE_LIMIT:
                store.remove_session(credential)
                raise errors.SessionNotFound()
            session.last_used = now
            return Principal(store.user(session.user_id), SESSION, credential)
        key = store.key(credential)
        # An API key where only a session will do gets 4, as Navixy's api/key docs say.
        if key is not None and not sessions_only:
            return Principal(store.user(key.owner_id), API_KEY, credential)
        raise errors.SessionNotFound()


def auth(world: World, login: str, password: str, dealer_id: int | None = None) -> str:
    """user/auth: a new session hash. A dealer mismatch looks like a wrong password (102)."""
    store = world.store
    with store.lock:
        user = store.user_by_login(login)
        if user is None or not _same(user.password, password) or (
                dealer_id is not None and dealer_id != user.dealer_id):
            raise errors.WrongLogin()
        if not user.activated:
            raise errors.UserNotActivated()
        now = world.clock.now()
        hash_ = world.new_hash()
        store.add_session(Session(hash_, user.id, created_at=now, last_used=now))
        return hash_


def logout(world: World, principal: Principal) -> None:
    """Ends this session only; the user's other sessions and API keys live on."""
    world.store.remove_session(principal.hash)


def renew(world: World, principal: Principal) -> None:
    """user/session/renew: authenticate() already refreshed the session; nothing else to do."""


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
        user.password = new_password
        store.remove_sessions_of(user.id)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))
