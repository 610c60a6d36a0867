"""user/auth, logout, renew, get_info's user/master pair and password/set."""
from __future__ import annotations

import re

import pytest

from mockserver.domain import errors, keys, sessions
from mockserver.domain.sessions import authenticate
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture
from tests.unit.support import (
    DAY, IDLE_LIMIT, INACTIVE, OTHER, OWNER, PASSWORDS, SUBUSER, log_in, navixy_error)

# ---- auth ----------------------------------------------------------------------------------


@pytest.mark.parametrize("login", [OWNER, SUBUSER, OTHER])
def test_auth_returns_a_32_lowercase_hex_hash_that_authenticates_as_that_user(world, login):
    hash_ = sessions.auth(world, login, PASSWORDS[login])
    assert re.fullmatch(r"[0-9a-f]{32}", hash_)
    assert authenticate(world, hash_).user.login == login


def test_each_auth_creates_a_new_distinct_session(world):
    hashes = {sessions.auth(world, OWNER, "owner-password") for _ in range(5)}
    assert len(hashes) == 5
    assert all(world.store.session(h) is not None for h in hashes)


def test_auth_stamps_the_session_with_the_clock(world, clock):
    clock.advance(DAY)
    session = world.store.session(sessions.auth(world, OWNER, "owner-password"))
    assert session.created_at == session.last_used == clock.now()
    assert session.user_id == world.store.user_by_login(OWNER).id


@pytest.mark.parametrize("login, password", [
    (OWNER, "wrong-password"),
    (OWNER, "OWNER-PASSWORD"),
    (OWNER, "owner-password "),
    (OWNER, ""),
    (OWNER, "subuser-password"),  # another user's password
    ("ghost@example.com", "owner-password"),
    ("", "owner-password"),
    (INACTIVE, "wrong-password"),  # an inactive user with a wrong password learns nothing more
])
def test_a_wrong_login_or_password_is_102_and_creates_no_session(world, login, password):
    with navixy_error(102, errors.WrongLogin):
        sessions.auth(world, login, password)
    assert list(world.store.sessions()) == []


def test_a_dealer_mismatch_is_102(world):
    with navixy_error(102, errors.WrongLogin):
        sessions.auth(world, OWNER, "owner-password", dealer_id=999)
    assert list(world.store.sessions()) == []


def test_the_matching_dealer_logs_in(world):
    assert authenticate(world, sessions.auth(world, OWNER, "owner-password", dealer_id=1)).user.login == OWNER


def test_a_user_that_is_not_activated_is_103_and_gets_no_session(world):
    with navixy_error(103, errors.UserNotActivated):
        sessions.auth(world, INACTIVE, "inactive-password")
    assert list(world.store.sessions()) == []


def test_new_hashes_avoid_credentials_already_in_use(clock):
    taken, fresh = "a" * 32, "b" * 32
    world = World(load_fixture(), clock, new_hash=iter([taken, taken, fresh]).__next__)
    assert sessions.auth(world, OWNER, "owner-password") == taken
    assert sessions.auth(world, OWNER, "owner-password") == fresh


# ---- logout and renew ----------------------------------------------------------------------


def test_logout_ends_that_session(world, owner):
    sessions.logout(world, owner)
    with navixy_error(4):
        authenticate(world, owner.hash)


def test_logout_leaves_the_users_other_sessions_keys_and_other_users_alone(world, owner, sub, other):
    second = log_in(world, OWNER)
    key = keys.create(world, owner, "k")
    sessions.logout(world, owner)
    for survivor in (second.hash, sub.hash, other.hash, key.hash):
        assert authenticate(world, survivor).hash == survivor
    assert len(list(world.store.sessions())) == 3


def test_renew_keeps_the_session_alive_through_authenticate(world, clock, owner):
    clock.advance(IDLE_LIMIT - 1)
    sessions.renew(world, authenticate(world, owner.hash, sessions_only=True))
    clock.advance(IDLE_LIMIT - 1)
    assert authenticate(world, owner.hash).hash == owner.hash


# ---- user and master (get_info) ------------------------------------------------------------


def test_an_owner_has_no_master(world, owner):
    user, master = sessions.user_and_master(world, owner)
    assert (user.login, master) == (OWNER, None)


def test_a_sub_user_has_its_owner_as_master(world, sub):
    user, master = sessions.user_and_master(world, sub)
    assert (user.login, master.login) == (SUBUSER, OWNER)


# ---- password/set --------------------------------------------------------------------------


def test_a_wrong_old_password_is_248_and_changes_nothing(world, owner):
    with navixy_error(248, errors.WrongPassword):
        sessions.set_password(world, owner, "not-the-password", "brand-new-1")
    assert authenticate(world, owner.hash).hash == owner.hash
    assert world.store.user_by_login(OWNER).password == "owner-password"


def test_a_wrong_old_password_is_248_even_when_new_equals_old(world, owner):
    with navixy_error(248):
        sessions.set_password(world, owner, "not-the-password", "not-the-password")


def test_a_new_password_equal_to_the_old_one_is_245_and_changes_nothing(world, owner):
    with navixy_error(245, errors.SamePassword):
        sessions.set_password(world, owner, "owner-password", "owner-password")
    assert authenticate(world, owner.hash).hash == owner.hash


def test_a_password_change_ends_every_session_of_the_user_including_the_callers(world, owner):
    others = [log_in(world, OWNER) for _ in range(3)]
    sessions.set_password(world, owner, "owner-password", "brand-new-1")
    for principal in [owner, *others]:
        with navixy_error(4):
            authenticate(world, principal.hash)
    assert list(world.store.sessions()) == []


def test_a_password_change_keeps_the_users_api_keys(world, owner):
    key = keys.create(world, owner, "k")
    sessions.set_password(world, owner, "owner-password", "brand-new-1")
    assert authenticate(world, key.hash).kind == "api_key"


def test_after_a_password_change_the_old_password_fails_and_the_new_one_works(world, owner):
    sessions.set_password(world, owner, "owner-password", "brand-new-1")
    with navixy_error(102):
        sessions.auth(world, OWNER, "owner-password")
    assert authenticate(world, sessions.auth(world, OWNER, "brand-new-1")).user.login == OWNER


def test_a_password_change_leaves_other_users_sessions_alone(world, owner, sub, other):
    sessions.set_password(world, owner, "owner-password", "brand-new-1")
    assert authenticate(world, sub.hash).user.login == SUBUSER
    assert authenticate(world, other.hash).user.login == OTHER


def test_a_sub_users_password_change_leaves_its_owner_logged_in(world, owner, sub):
    sessions.set_password(world, sub, "subuser-password", "brand-new-1")
    assert authenticate(world, owner.hash).user.login == OWNER
    with navixy_error(4):
        authenticate(world, sub.hash)


def test_a_new_login_after_a_password_change_is_a_working_session(world, owner):
    sessions.set_password(world, owner, "owner-password", "brand-new-1")
    fresh = authenticate(world, sessions.auth(world, OWNER, "brand-new-1"))
    sessions.set_password(world, fresh, "brand-new-1", "brand-new-2")
    with navixy_error(4):
        authenticate(world, fresh.hash)
