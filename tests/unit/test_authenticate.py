"""sessions.authenticate: malformed -> 3, unknown/expired/revoked -> 4, inactivity, API keys."""
from __future__ import annotations

import pytest

from mockserver.domain import errors, keys, sessions
from mockserver.domain.sessions import authenticate
from mockserver.domain.world import World
from mockserver.fixtures import parse_fixture
from tests.unit.support import DAY, IDLE_LIMIT, OWNER, SUBUSER, START, log_in, navixy_error

VALID_LOOKING = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("credential", [
    None, "", "a" * 31, "a" * 33, "g" * 32, "0123456789abcdef0123456789abcdeZ",
    " " + "a" * 31, "a" * 32 + "\n", "a" * 32 + " ", "a" * 16 + "-" + "a" * 15,
    "\u0661" * 32,  # Arabic-Indic digit one: a digit to \d, not a hex character
    123, 1.5, b"a" * 32, ["a" * 32], {"hash": "a" * 32},
], ids=repr)
def test_a_malformed_credential_is_wrong_hash_3(world, credential):
    with navixy_error(3, errors.WrongHash):
        authenticate(world, credential)


def test_a_malformed_credential_is_3_even_where_only_sessions_are_accepted(world):
    with navixy_error(3, errors.WrongHash):
        authenticate(world, "xyz", sessions_only=True)


@pytest.mark.parametrize("credential", [VALID_LOOKING, VALID_LOOKING.upper(), "F" * 32])
def test_an_unknown_well_formed_credential_of_either_case_is_4(world, credential):
    with navixy_error(4, errors.SessionNotFound):
        authenticate(world, credential)


def test_an_upper_cased_copy_of_a_valid_session_hash_is_4(world):
    hash_ = sessions.auth(world, OWNER, "owner-password")
    assert hash_ != hash_.upper()
    with navixy_error(4):
        authenticate(world, hash_.upper())
    assert authenticate(world, hash_).hash == hash_  # the real one still works


def test_an_upper_cased_copy_of_a_valid_api_key_is_4(world, owner):
    key = keys.create(world, owner, "k")
    with navixy_error(4):
        authenticate(world, key.hash.upper())


def test_a_session_resolves_to_its_user_as_a_session_principal(world):
    hash_ = sessions.auth(world, SUBUSER, "subuser-password")
    principal = authenticate(world, hash_)
    assert (principal.user.login, principal.kind, principal.hash) == (SUBUSER, "session", hash_)
    assert principal.account_id == world.store.user_by_login(OWNER).id


def test_an_api_key_resolves_to_its_owner_as_an_api_key_principal(world, owner):
    key = keys.create(world, owner, "k")
    principal = authenticate(world, key.hash)
    assert (principal.user.login, principal.kind, principal.hash) == (OWNER, "api_key", key.hash)


def test_an_api_key_is_4_where_only_sessions_are_accepted(world, owner):
    key = keys.create(world, owner, "k")
    with navixy_error(4, errors.SessionNotFound):
        authenticate(world, key.hash, sessions_only=True)
    assert world.store.key(key.hash) is not None  # refused, not revoked


def test_a_session_is_accepted_where_only_sessions_are_accepted(world, owner):
    assert authenticate(world, owner.hash, sessions_only=True).kind == "session"


def test_a_session_idle_for_30_days_is_rejected(world, clock, owner):
    clock.advance(IDLE_LIMIT)
    with navixy_error(4, errors.SessionNotFound):
        authenticate(world, owner.hash)


def test_a_session_idle_for_one_second_less_than_30_days_is_still_valid(world, clock, owner):
    clock.advance(IDLE_LIMIT - 1)
    assert authenticate(world, owner.hash).hash == owner.hash


def test_a_session_idle_for_longer_than_30_days_is_rejected(world, clock, owner):
    clock.advance(365 * DAY)
    with navixy_error(4):
        authenticate(world, owner.hash)


def test_an_expired_session_stays_dead_when_the_clock_goes_back(world, clock, owner):
    clock.advance(IDLE_LIMIT)
    with navixy_error(4):
        authenticate(world, owner.hash)
    clock.set(START)
    with navixy_error(4):
        authenticate(world, owner.hash)
    assert world.store.session(owner.hash) is None


def test_an_expired_session_is_4_also_where_only_sessions_are_accepted(world, clock, owner):
    clock.advance(IDLE_LIMIT)
    with navixy_error(4):
        authenticate(world, owner.hash, sessions_only=True)


def test_each_accepted_use_refreshes_the_session(world, clock, owner):
    for _ in range(3):  # 3 x 29 days of activity, never 30 idle
        clock.advance(IDLE_LIMIT - DAY)
        authenticate(world, owner.hash)
        assert world.store.session(owner.hash).last_used == clock.now()
    clock.advance(IDLE_LIMIT - 1)
    assert authenticate(world, owner.hash).hash == owner.hash


def test_the_idle_time_counts_from_the_last_use_not_from_login(world, clock, owner):
    clock.advance(IDLE_LIMIT - DAY)
    authenticate(world, owner.hash)
    clock.advance(DAY)  # 30 days after login, 1 day after the last use
    assert authenticate(world, owner.hash).hash == owner.hash
    assert world.store.session(owner.hash).created_at == START


def test_use_refreshes_the_session_even_when_the_call_then_fails(world, clock, sub):
    clock.advance(IDLE_LIMIT - 1)
    principal = authenticate(world, sub.hash)
    with navixy_error(13):
        keys.create(world, principal, "not allowed for sub-users")
    clock.advance(IDLE_LIMIT - 1)
    assert authenticate(world, sub.hash).hash == sub.hash


def test_use_of_one_session_does_not_refresh_another(world, clock):
    first, second = log_in(world), log_in(world)
    clock.advance(IDLE_LIMIT - DAY)
    authenticate(world, first.hash)
    clock.advance(DAY)
    assert authenticate(world, first.hash).hash == first.hash
    with navixy_error(4):
        authenticate(world, second.hash)


def test_a_rejected_api_key_use_does_not_touch_sessions(world, clock, owner):
    key = keys.create(world, owner, "k")
    clock.advance(IDLE_LIMIT - 1)
    with navixy_error(4):
        authenticate(world, key.hash, sessions_only=True)
    clock.advance(1)
    with navixy_error(4):
        authenticate(world, owner.hash)


def test_api_keys_never_expire(world, clock, owner):
    key = keys.create(world, owner, "k")
    clock.advance(100 * 365 * DAY)
    assert authenticate(world, key.hash).kind == "api_key"
    assert authenticate(world, key.hash).kind == "api_key"


def test_a_fixture_api_key_authenticates(clock):
    fixture = parse_fixture({
        "users": [{"id": 1, "login": "a@example.com", "password": "secret1"}],
        "api_keys": [{"owner": "a@example.com", "hash": VALID_LOOKING, "title": "seeded"}],
    })
    principal = authenticate(World(fixture, clock), VALID_LOOKING)
    assert (principal.user.id, principal.kind) == (1, "api_key")
