"""API keys: owner-only, at most 20 per account, never expiring."""
from __future__ import annotations

from . import errors
from .journal import REVOKED, redact
from .model import ApiKey
from .sessions import API_KEY
from .world import Principal, World

MAX_KEYS_PER_ACCOUNT = 20
TITLE_MAX_LENGTH = 255


def _require_owner(world: World, principal: Principal) -> None:
    # Callers authenticated with sessions_only=True, so an API key already got 4.
    if not principal.user.is_owner:
        error = errors.OperationNotPermitted()
        world.journal.record("access_denied", principal.user.login, code=error.code,
                             reason="owner_only", kind=principal.kind,
                             credential=redact(principal.hash))
        raise error


def create(world: World, principal: Principal, title: str) -> ApiKey:
    _require_owner(world, principal)
    store = world.store
    login = principal.user.login
    with store.lock:  # check and insert under one lock, or racing creates pass 20
        if len(store.keys_of(principal.account_id)) >= MAX_KEYS_PER_ACCOUNT:
            world.journal.record("key_limit_reached", login, code=errors.OverQuota.code,
                                 limit=MAX_KEYS_PER_ACCOUNT)
            raise errors.OverQuota()
        key = ApiKey(world.new_hash(), principal.account_id, title, world.clock.now())
        store.add_key(key)
        world.journal.record("key_created", login, key=redact(key.hash), title=title)
        return key


def list_keys(world: World, principal: Principal) -> list[ApiKey]:
    _require_owner(world, principal)
    return world.store.keys_of(principal.account_id)


def delete(world: World, principal: Principal, key_hash: str) -> None:
    """Another account's key is reported exactly like an unknown one (201), never touched."""
    _require_owner(world, principal)
    store = world.store
    with store.lock:
        key = store.key(key_hash)
        if key is None or key.owner_id != principal.account_id:
            raise errors.NotFound()
        store.remove_key(key_hash)
        # A deleted key fails at once; explain remembers who revoked it and when.
        login = principal.user.login
        world.graveyard.bury(key_hash, API_KEY, login, REVOKED, world.clock.now())
        world.journal.record("key_deleted", login, key=redact(key_hash), title=key.title)
