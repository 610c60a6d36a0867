"""API keys: owner only (13), 20 per account (268), account-scoped, delete -> 201 or gone at once."""
from __future__ import annotations

import re
import secrets
import threading
import time

from mockserver.domain import errors, keys, sessions
from mockserver.domain.sessions import authenticate
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture, parse_fixture
from tests.unit.support import DAY, OTHER, OWNER, log_in, navixy_error

LIMIT = 20


def hashes(world, principal) -> list[str]:
    return [k.hash for k in keys.list_keys(world, principal)]


def test_an_owner_creates_a_32_lowercase_hex_key_stamped_with_the_clock(world, clock, owner):
    clock.advance(DAY)
    key = keys.create(world, owner, "CI pipeline")
    assert re.fullmatch(r"[0-9a-f]{32}", key.hash)
    assert (key.title, key.owner_id, key.created_at) == ("CI pipeline", owner.user.id, clock.now())
    assert key.hash != owner.hash


def test_created_keys_are_listed_in_creation_order(world, owner):
    created = [keys.create(world, owner, f"k{i}").hash for i in range(3)]
    assert hashes(world, owner) == created


def test_a_new_account_lists_no_keys(world, owner):
    assert keys.list_keys(world, owner) == []


def test_a_sub_user_may_not_create_keys(world, sub, owner):
    with navixy_error(13, errors.OperationNotPermitted):
        keys.create(world, sub, "k")
    assert keys.list_keys(world, owner) == []


def test_a_sub_user_may_not_list_keys(world, sub, owner):
    keys.create(world, owner, "k")
    with navixy_error(13, errors.OperationNotPermitted):
        keys.list_keys(world, sub)


def test_a_sub_user_may_not_delete_its_owners_key(world, sub, owner):
    key = keys.create(world, owner, "k")
    with navixy_error(13, errors.OperationNotPermitted):
        keys.delete(world, sub, key.hash)
    assert hashes(world, owner) == [key.hash]


def test_the_21st_key_on_an_account_is_over_quota_268(world, owner):
    for i in range(LIMIT):
        keys.create(world, owner, f"k{i}")
    with navixy_error(268, errors.OverQuota):
        keys.create(world, owner, "one too many")
    assert len(keys.list_keys(world, owner)) == LIMIT


def test_deleting_a_key_at_the_limit_frees_a_slot(world, owner):
    created = [keys.create(world, owner, f"k{i}") for i in range(LIMIT)]
    keys.delete(world, owner, created[0].hash)
    keys.create(world, owner, "fits again")
    with navixy_error(268):
        keys.create(world, owner, "full again")


def test_the_limit_counts_per_account_not_globally(world, owner, other):
    for i in range(LIMIT):
        keys.create(world, owner, f"k{i}")
    assert keys.create(world, other, "still fine").owner_id == other.user.id


def test_the_limit_counts_keys_from_the_fixture(clock):
    fixture = parse_fixture({
        "users": [{"id": 1, "login": "a@example.com", "password": "secret1"}],
        "api_keys": [{"owner": "a@example.com", "hash": f"{i:032x}", "title": f"seed {i}"}
                     for i in range(LIMIT)],
    })
    world = World(fixture, clock)
    with navixy_error(268):
        keys.create(world, authenticate(world, sessions.auth(world, "a@example.com", "secret1")), "21st")


def test_keys_are_account_scoped(world, owner, other):
    mine = keys.create(world, owner, "mine")
    theirs = keys.create(world, other, "theirs")
    assert hashes(world, owner) == [mine.hash]
    assert hashes(world, other) == [theirs.hash]


def test_deleting_a_key_removes_it_from_the_list(world, owner):
    first, second = keys.create(world, owner, "a"), keys.create(world, owner, "b")
    keys.delete(world, owner, first.hash)
    assert hashes(world, owner) == [second.hash]


def test_a_deleted_key_fails_authenticate_with_4_at_once(world, owner):
    key = keys.create(world, owner, "k")
    assert authenticate(world, key.hash).kind == "api_key"
    keys.delete(world, owner, key.hash)
    with navixy_error(4, errors.SessionNotFound):
        authenticate(world, key.hash)


def test_deleting_an_unknown_key_is_201(world, owner):
    with navixy_error(201, errors.NotFound):
        keys.delete(world, owner, "0" * 32)


def test_deleting_a_key_twice_is_201_the_second_time(world, owner):
    key = keys.create(world, owner, "k")
    keys.delete(world, owner, key.hash)
    with navixy_error(201):
        keys.delete(world, owner, key.hash)


def test_deleting_another_accounts_key_is_201_and_the_key_survives(world, owner, other):
    theirs = keys.create(world, other, "theirs")
    with navixy_error(201, errors.NotFound):
        keys.delete(world, owner, theirs.hash)
    assert hashes(world, other) == [theirs.hash]
    assert authenticate(world, theirs.hash).user.login == OTHER


def test_deleting_a_session_hash_as_a_key_is_201_and_the_session_survives(world, owner):
    with navixy_error(201):
        keys.delete(world, owner, owner.hash)
    assert authenticate(world, owner.hash).user.login == OWNER


def test_deleting_an_upper_cased_copy_of_a_key_is_201(world, owner):
    key = keys.create(world, owner, "k")
    with navixy_error(201):
        keys.delete(world, owner, key.hash.upper())
    assert hashes(world, owner) == [key.hash]


def test_a_key_can_be_deleted_from_any_session_of_its_owner(world, owner):
    key = keys.create(world, owner, "k")
    keys.delete(world, log_in(world, OWNER), key.hash)
    assert keys.list_keys(world, owner) == []


def test_concurrent_creates_never_pass_the_limit(clock):
    # A hash source that yields the GIL between the quota check and the insert, so the test
    # fails if create() ever checks and inserts outside one lock.
    def slow_hash() -> str:
        time.sleep(0.0005)
        return secrets.token_hex(16)

    world = World(load_fixture(), clock, new_hash=slow_hash)
    owner = log_in(world, OWNER)
    threads_count, per_thread = 8, 5
    start = threading.Barrier(threads_count)
    created, refused, unexpected = [], [], []

    def worker() -> None:
        start.wait()
        for i in range(per_thread):
            try:
                created.append(keys.create(world, owner, f"k{i}").hash)
            except errors.OverQuota:
                refused.append(i)
            except Exception as exc:  # noqa: BLE001 - any other failure is the bug to report
                unexpected.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert unexpected == []
    assert (len(created), len(refused)) == (20, 20)
    assert len(set(created)) == 20
    assert sorted(hashes(world, owner)) == sorted(created)
