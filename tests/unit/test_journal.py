"""The journal and the dead-credential record, as plain objects and as the rules fill them."""
from __future__ import annotations

import threading

import pytest

from mockserver.domain import flows, keys, sessions
from mockserver.domain.journal import DEFAULT_CAP, EVENT_TYPES, Graveyard, Journal, redact
from mockserver.domain.namespaces import Namespaces
from mockserver.domain.world import World
from mockserver.fixtures import load_fixture
from tests.unit.support import DAY, IDLE_LIMIT, OWNER, PASSWORDS, START, log_in, navixy_error


# ---- Journal ----------------------------------------------------------------------------------

def test_events_are_numbered_from_1_and_stamped_with_the_mock_clock(clock):
    journal = Journal(clock)
    first = journal.record("login", "a@example.com", session="abcd…")
    clock.advance(60)
    second = journal.record("logout", "a@example.com")
    assert (first.seq, first.at, first.type, first.login, first.detail) == (
        1, START, "login", "a@example.com", {"session": "abcd…"})
    assert (second.seq, second.at) == (2, START + 60)
    assert journal.last_seq == 2


def test_since_returns_only_later_events_oldest_first(clock):
    journal = Journal(clock)
    for _ in range(5):
        journal.record("reset")
    assert [e.seq for e in journal.since(0)] == [1, 2, 3, 4, 5]
    assert [e.seq for e in journal.since(3)] == [4, 5]
    assert journal.since(5) == [] and journal.since(10**12) == []
    assert journal.read(3)[1] == 5


def test_past_the_cap_the_oldest_events_drop_and_numbering_goes_on(clock):
    journal = Journal(clock, cap=3)
    for _ in range(5):
        journal.record("reset")
    assert [e.seq for e in journal.since()] == [3, 4, 5]
    assert journal.record("reset").seq == 6


def test_clear_empties_the_journal_but_never_reuses_a_seq(clock):
    journal = Journal(clock)
    journal.record("reset")
    journal.record("reset")
    journal.clear()
    assert journal.since() == [] and journal.last_seq == 2
    assert journal.record("reset").seq == 3


def test_the_default_cap_is_10000(clock):
    assert DEFAULT_CAP == 10_000 and Journal(clock).cap == 10_000


@pytest.mark.parametrize("cap", [0, -1, True, 2.5, "10"])
def test_a_cap_must_be_a_positive_integer(clock, cap):
    with pytest.raises(ValueError):
        Journal(clock, cap)
    with pytest.raises(ValueError):
        Graveyard(cap)


def test_an_unknown_event_type_is_a_programming_error(clock):
    with pytest.raises(ValueError):
        Journal(clock).record("something_else")


def test_concurrent_records_get_distinct_consecutive_numbers(clock):
    journal = Journal(clock, cap=1000)
    threads = [threading.Thread(target=lambda: [journal.record("reset") for _ in range(500)])
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept = [e.seq for e in journal.since()]
    assert journal.last_seq == 4000
    assert kept == list(range(3001, 4001))  # the newest 1,000, in order, no gaps


def test_redaction_keeps_the_first_four_characters():
    assert redact("0123456789abcdef0123456789abcdef") == "0123…"


# ---- Graveyard (dead credentials, for explain) ----------------------------------------------

def test_the_graveyard_remembers_how_a_credential_died():
    dead = Graveyard()
    dead.bury("a" * 32, "session", "me@example.com", "logged_out", 100.0)
    entry = dead.get("a" * 32)
    assert (entry.kind, entry.login, entry.reason, entry.at) == (
        "session", "me@example.com", "logged_out", 100.0)
    assert dead.get("b" * 32) is None


def test_the_graveyard_forgets_the_longest_dead_past_its_cap():
    dead = Graveyard(cap=2)
    for i, h in enumerate(("a" * 32, "b" * 32, "c" * 32)):
        dead.bury(h, "api_key", None, "revoked", float(i))
    assert dead.get("a" * 32) is None and dead.get("c" * 32) is not None and len(dead) == 2
    dead.bury("b" * 32, "api_key", None, "revoked", 9.0)  # re-buried: now the newest
    dead.bury("d" * 32, "api_key", None, "revoked", 10.0)
    assert dead.get("b" * 32).at == 9.0 and dead.get("c" * 32) is None
    dead.clear()
    assert len(dead) == 0


# ---- the world's journal ----------------------------------------------------------------------

def test_a_world_journals_on_its_own_clock_with_the_cap_it_was_given(clock):
    world = World(load_fixture(), clock, journal_cap=5)
    assert world.journal.cap == 5
    for _ in range(7):
        sessions.auth(world, OWNER, PASSWORDS[OWNER])
    assert [e.seq for e in world.journal.since()] == [3, 4, 5, 6, 7]
    assert {e.at for e in world.journal.since()} == {START}


def test_namespace_worlds_inherit_the_default_worlds_cap(clock):
    default = World(load_fixture(), clock, journal_cap=7)
    assert Namespaces(default.fixture, default).world("team-a").journal.cap == 7


def test_reset_keeps_the_journal_appends_a_reset_event_and_forgets_dead_credentials(world, owner):
    sessions.logout(world, owner)
    before = world.journal.last_seq
    world.reset()
    events = world.journal.since()
    assert [e.type for e in events] == ["login", "logout", "reset"]
    assert events[-1].seq == before + 1
    assert world.graveyard.get(owner.hash) is None
    assert sessions.rejection_reason(world, owner.hash) == "unknown"


def test_the_rules_journal_every_event_type_but_reset(world, clock, owner, sub):
    """One pass through every rule; the HTTP tests check each event's fields."""
    with navixy_error(102):
        sessions.auth(world, OWNER, "wrong")
    sessions.renew(world, owner)
    key = keys.create(world, owner, "k")
    keys.delete(world, owner, key.hash)
    with navixy_error(13):
        keys.list_keys(world, sub)
    for i in range(20):
        keys.create(world, owner, f"k{i}")
    with navixy_error(268):
        keys.create(world, owner, "one too many")
    flow = flows.create(world, owner, {"title": "f", "nodes": [], "edges": []})
    flows.update(world, owner, {"id": flow.id, "title": "g", "nodes": [], "edges": []})
    flows.delete(world, owner, flow.id)
    sessions.logout(world, sub)
    clock.advance(IDLE_LIMIT)
    with navixy_error(4):
        sessions.authenticate(world, owner.hash)  # expired
    fresh = log_in(world)
    sessions.set_password(world, fresh, PASSWORDS[OWNER], "new-password-1")
    world.reset()
    # request_invalid is journaled by the HTTP layer (tests/control/test_conformance.py).
    assert {e.type for e in world.journal.since()} == set(EVENT_TYPES) - {"request_invalid"}


def test_a_session_found_idle_at_a_password_change_died_of_old_age(world, clock):
    stale = log_in(world)
    clock.advance(IDLE_LIMIT + DAY)
    fresh = log_in(world)
    sessions.set_password(world, fresh, PASSWORDS[OWNER], "new-password-1")
    assert world.graveyard.get(stale.hash).reason == "expired"
    assert world.graveyard.get(stale.hash).at == START + IDLE_LIMIT
    assert world.graveyard.get(fresh.hash).reason == "password_changed"
    invalidated = [e for e in world.journal.since() if e.type == "sessions_invalidated"][0]
    assert invalidated.detail == {"reason": "password_changed", "count": 1,
                                  "sessions": [redact(fresh.hash)]}


def test_rejection_reason_reads_without_touching(world, clock, owner):
    key = keys.create(world, owner, "k")
    assert sessions.rejection_reason(world, None) == "missing"
    assert sessions.rejection_reason(world, "abc") == "malformed"
    assert sessions.rejection_reason(world, "f" * 32) == "unknown"
    assert sessions.rejection_reason(world, owner.hash) == "valid"
    assert sessions.rejection_reason(world, key.hash) == "valid"
    assert sessions.rejection_reason(world, key.hash, sessions_only=True) == "session_required"
    clock.advance(IDLE_LIMIT)
    assert sessions.rejection_reason(world, owner.hash) == "expired"
    assert world.store.session(owner.hash) is not None  # still there: nothing was removed
