"""API keys: owner-only, at most 20 per account, never expiring."""
from __future__ import annotations

from . import errors
from .model import ApiKey
from .world import Principal, World

MAX_KEYS_PER_ACCOUNT = 20
TITLE_MAX_LENGTH = 255


def _require_owner(principal: Principal) -> None:
    # Callers authenticated with sessions_only=True, so an API key already got 4.
    if not principal.user.is_owner:
        raise errors.OperationNotPermitted()


def create(world: World, principal: Principal, title: str) -> ApiKey:
    _require_owner(principal)
    store = world.store
    with store.lock:  # check and insert under one lock, or racing creates pass 20
        if len(store.keys_of(principal.account_id)) >= MAX_KEYS_PER_ACCOUNT:
            raise errors.OverQuota()
        key = ApiKey(world.new_hash(), principal.account_id, title, world.clock.now())
        store.add_key(key)
        return key


def list_keys(world: World, principal: Principal) -> list[ApiKey]:
    _require_owner(principal)
    return world.store.keys_of(principal.account_id)


def delete(world: World, principal: Principal, key_hash: str) -> None:
    """Another account's key is reported exactly like an unknown one (201), never touched."""
    _require_owner(principal)
    store = world.store
    with store.lock:
        key = store.key(key_hash)
        if key is None or key.owner_id != principal.account_id:
            raise errors.NotFound()
        store.remove_key(key_hash)
