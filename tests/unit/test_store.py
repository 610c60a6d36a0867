"""MemoryStore: records and the per-user / per-owner indexes stay consistent."""
from __future__ import annotations

import threading

from mockserver.domain.model import ApiKey, Flow, Session, User
from mockserver.domain.store import MemoryStore
from tests.unit.support import START


def session(hash_: str, user_id: int = 1) -> Session:
    return Session(hash_, user_id, created_at=START, last_used=START)


def flow(flow_id: int, owner_id: int = 1) -> Flow:
    return Flow(id=flow_id, owner_id=owner_id, title="t", description=None, enabled=False,
                nodes=[], edges=[], modified=START)


def test_users_are_found_by_id_and_by_login():
    store = MemoryStore()
    user = User(id=7, login="a@example.com", password="pw", title="A", creation_date=START)
    store.add_user(user)
    assert store.user(7) is user
    assert store.user_by_login("a@example.com") is user
    assert store.user(8) is None and store.user_by_login("A@example.com") is None
    assert list(store.users()) == [user]


def test_removing_a_session_drops_it_from_the_users_index():
    store = MemoryStore()
    store.add_session(session("a" * 32))
    store.add_session(session("b" * 32))
    assert store.remove_session("a" * 32).hash == "a" * 32
    assert store.session("a" * 32) is None
    assert [s.hash for s in store.remove_sessions_of(1)] == ["b" * 32]


def test_removing_an_unknown_session_returns_none():
    assert MemoryStore().remove_session("a" * 32) is None


def test_remove_sessions_of_takes_only_that_users_sessions():
    store = MemoryStore()
    for hash_, user_id in (("a" * 32, 1), ("b" * 32, 1), ("c" * 32, 2)):
        store.add_session(session(hash_, user_id))
    removed = store.remove_sessions_of(1)
    assert sorted(s.hash for s in removed) == ["a" * 32, "b" * 32]
    assert [s.hash for s in store.sessions()] == ["c" * 32]
    assert store.remove_sessions_of(1) == []


def test_a_session_added_after_remove_sessions_of_is_indexed_again():
    store = MemoryStore()
    store.add_session(session("a" * 32))
    store.remove_sessions_of(1)
    store.add_session(session("b" * 32))
    assert [s.hash for s in store.remove_sessions_of(1)] == ["b" * 32]


def test_keys_are_indexed_per_owner_in_creation_order():
    store = MemoryStore()
    for hash_, owner in (("c" * 32, 1), ("a" * 32, 2), ("b" * 32, 1)):
        store.add_key(ApiKey(hash_, owner, "t", START))
    assert [k.hash for k in store.keys_of(1)] == ["c" * 32, "b" * 32]
    assert [k.hash for k in store.keys_of(2)] == ["a" * 32]
    assert store.keys_of(3) == []


def test_removing_a_key_drops_it_from_its_owners_index():
    store = MemoryStore()
    store.add_key(ApiKey("a" * 32, 1, "t", START))
    assert store.remove_key("a" * 32).owner_id == 1
    assert store.key("a" * 32) is None and store.keys_of(1) == []
    assert store.remove_key("a" * 32) is None


def test_keys_of_returns_a_copy():
    store = MemoryStore()
    store.add_key(ApiKey("a" * 32, 1, "t", START))
    store.keys_of(1).clear()
    assert len(store.keys_of(1)) == 1


def test_flows_are_indexed_per_owner():
    store = MemoryStore()
    store.put_flow(flow(1, owner_id=1))
    store.put_flow(flow(2, owner_id=2))
    assert [f.id for f in store.flows_of(1)] == [1]
    assert store.remove_flow(1).id == 1
    assert store.flow(1) is None and store.flows_of(1) == []
    assert store.remove_flow(1) is None


def test_next_flow_id_follows_the_highest_stored_id_and_never_goes_back():
    store = MemoryStore()
    store.put_flow(flow(50))
    store.put_flow(flow(10))
    assert store.next_flow_id() == 51
    store.remove_flow(50)
    assert store.next_flow_id() == 52


def test_the_store_lock_is_reentrant():
    store = MemoryStore()
    done = threading.Event()

    def nested() -> None:
        with store.lock:
            with store.lock:
                done.set()

    thread = threading.Thread(target=nested)
    thread.start()
    thread.join(timeout=2)
    assert done.is_set()
