"""Scale, in process: get_info latency with 10 .. 1M live sessions pre-loaded into the store,
RSS per live session and per key, and World creation / reset with 10k fixture objects.

Each size runs in a fresh interpreter (`python bench/scale.py --sessions N --iters M`), so RSS
deltas are clean. Requests go straight through the WSGI callable (no sockets, no test client),
so the figure is the app's own cost per call.
"""
from __future__ import annotations

import argparse
import copy
import gc
import io
import json
import os
import subprocess
import sys
import time

from common import BENCH, OWNER, PY, child_env, median, percentile, tree


def run_sizes(sizes: list[int], iters: int, log=print) -> list[dict]:
    out = []
    for n in sizes:
        r = _subprocess(["--sessions", str(n), "--iters", str(iters)], timeout=300)
        log(f"  {n:>9,} sessions: get_info median {r['fresh_us']['median']:.0f} us "
            f"(pre-loaded session {r['preloaded_us']['median']:.0f} us), "
            f"RSS/session {r['rss_per_session_b']:.0f} B, preload {r['preload_s']:.1f} s")
        out.append(r)
    return out


def run_world(objects: int, reps: int = 5, log=print) -> dict:
    r = _subprocess(["--world", str(objects), "--reps", str(reps)], timeout=120)
    log(f"  World with {r['objects']:,} objects: create + first use {r['create_ms']:.1f} ms, "
        f"reset {r['reset_ms']:.1f} ms (default fixture: {r['default_create_ms']:.2f} / "
        f"{r['default_reset_ms']:.2f} ms)")
    return r


def run_journal(quick: bool = False, log=print) -> dict:
    r = _subprocess(["--journal"] + (["--quick"] if quick else []), timeout=120)
    if r.get("absent"):
        log("  journal: not in this build")
        return r
    log(f"  journal cap {r['cap']:,}: {r['kept']:,} events kept after {r['recorded']:,}; "
        f"{r['bytes_per_event']:.0f} B/event, RSS growth past the cap "
        f"{r['growth_past_cap_kib']:,} KiB; graveyard kept {r['graveyard_kept']:,}; "
        f"{r['http_logins']:,} logins with cap {r['http_cap']} kept {r['http_kept']}")
    return r


def _subprocess(args: list[str], timeout: float) -> dict:
    out = subprocess.run([PY, str(BENCH / "scale.py"), *args], cwd=tree(), env=child_env(),
                         capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- workers ------------------------------------------------------------------------------------

def _rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class _Wsgi:
    """Call the app's WSGI callable directly with a prepared environ."""

    def __init__(self, app) -> None:
        from werkzeug.test import EnvironBuilder
        self.app = app
        self.builder = EnvironBuilder

    def environ(self, method: str, path: str, body: dict | None = None,
                headers: dict | None = None) -> dict:
        kw = {"method": method, "path": path, "headers": headers or {}}
        if body is not None:
            kw["json"] = body
        b = self.builder(**kw)
        try:
            env = b.get_environ()
        finally:
            b.close()
        env["bench.body"] = env["wsgi.input"].read()
        return env

    def call(self, env: dict) -> tuple[str, bytes]:
        e = dict(env)
        e["wsgi.input"] = io.BytesIO(env["bench.body"])
        box = []
        result = self.app(e, lambda status, headers, exc_info=None: box.append(status))
        try:
            data = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return box[0], data


def _time_calls(w: _Wsgi, env: dict, iters: int) -> dict:
    for _ in range(min(200, iters)):  # warm-up, not recorded
        status, _ = w.call(env)
        assert status.startswith("200"), status
    gen2 = gc.get_stats()[2]["collections"]
    lat = []
    deadline = time.perf_counter() + 30  # bounded in time as well as in count
    for _ in range(iters):
        t0 = time.perf_counter()
        w.call(env)
        lat.append(time.perf_counter() - t0)
        if t0 > deadline:
            break
    us = [x * 1e6 for x in lat]
    return {"median": median(us), "p99": percentile(us, 99), "mean": sum(us) / len(us),
            "n": len(us), "gc_gen2": gc.get_stats()[2]["collections"] - gen2}


def _sessions_worker(n: int, iters: int) -> dict:
    from mockserver.app import create_app
    from mockserver.domain.model import ApiKey, Session, User
    from mockserver.domain.world import World
    from mockserver.fixtures import load_fixture

    world = World(load_fixture(None))  # the app's default world: requests without a namespace
    app = create_app(world=world)
    store = world.store
    w = _Wsgi(app)
    gc.collect()
    now = world.clock.now()
    t0 = time.perf_counter()
    n_users = max(1, n // 100)
    rss0 = _rss_kib()
    users = [User(id=1_000_000 + i, login=f"load{i}@example.com", password="load-password",
                  title=f"Load {i}", creation_date=now) for i in range(n_users)]
    for u in users:
        store.add_user(u)
    gc.collect()
    rss1 = _rss_kib()
    raw = os.urandom(16 * n).hex()
    hashes = [raw[32 * i:32 * i + 32] for i in range(n)]
    del raw
    gc.collect()
    rss_h = _rss_kib()
    for i, h in enumerate(hashes):
        store.add_session(Session(h, users[i % n_users].id, created_at=now, last_used=now))
    gc.collect()
    rss2 = _rss_kib()
    n_keys = max(1, n // 10)
    kraw = os.urandom(16 * n_keys).hex()
    for i in range(n_keys):
        store.add_key(ApiKey(kraw[32 * i:32 * i + 32], users[i % n_users].id, f"k{i}", now))
    del kraw
    gc.collect()
    rss3 = _rss_kib()
    preload_s = time.perf_counter() - t0

    status, data = w.call(w.environ("POST", "/v2/user/auth",
                                    {"login": OWNER[0], "password": OWNER[1]}))
    fresh = json.loads(data)["hash"]
    fresh_env = w.environ("GET", "/v2/user/get_info", headers={"Authorization": f"NVX {fresh}"})
    pre_env = w.environ("GET", "/v2/user/get_info",
                        headers={"Authorization": f"NVX {hashes[n // 2]}"})
    # the hash strings above are now held by the store only (what a live server holds)
    del hashes
    fresh_t = _time_calls(w, fresh_env, iters)
    pre_t = _time_calls(w, pre_env, iters)
    return {"sessions": n, "users": n_users, "keys": n_keys, "preload_s": preload_s,
            "fresh_us": fresh_t, "preloaded_us": pre_t,
            # the session's hash string is counted with the session: the store keeps it alive
            "rss_per_session_b": ((rss2 - rss1) * 1024) / n,
            "rss_per_session_store_only_b": ((rss2 - rss_h) * 1024) / n,
            "rss_per_key_b": ((rss3 - rss2) * 1024) / n_keys, "rss_total_mib": rss3 / 1024,
            "rss_base_mib": rss0 / 1024}


def _world_worker(objects: int, reps: int) -> dict:
    from mockserver.domain.fixture import Fixture
    from mockserver.domain.world import World
    from mockserver.fixtures import load_fixture
    from mockserver.domain.model import ApiKey, Flow, User

    default = load_fixture(None)
    template = default.flows[0]
    n_users = objects // 10  # 10 % users (all owners), 50 % keys (5 each), 40 % flows (4 each)
    users = [User(id=100 + i, login=f"u{i}@example.com", password="pw-pw-pw", title=f"U{i}",
                  creation_date=1.7e9, privileges=["tracking"]) for i in range(n_users)]
    keys = [ApiKey(f"{i:032x}", users[i % n_users].id, f"key {i}", 1.7e9)
            for i in range(objects // 2)]
    n_flows = objects - n_users - len(keys)
    flows = [Flow(id=10_000 + i, owner_id=users[i % n_users].id, title=f"flow {i}",
                  description=None, enabled=True, nodes=copy.deepcopy(template.nodes),
                  edges=copy.deepcopy(template.edges), modified=1.7e9) for i in range(n_flows)]
    fixture = Fixture(users=users, keys=keys, flows=flows)

    def timed(fn, reps=reps):
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        return median(ts) * 1000

    # A namespace is a World: construction may be lazy, so "create" counts it until usable
    # (its store built), which is what a namespace's first request pays.
    construct_ms = timed(lambda: World(fixture))
    create_ms = timed(lambda: World(fixture).store)
    world = World(fixture)
    world.store
    reset_ms = timed(world.reset)
    dworld = World(default)
    dworld.store
    return {"objects": len(users) + len(keys) + len(flows), "users": len(users),
            "keys": len(keys), "flows": len(flows), "construct_ms": construct_ms,
            "create_ms": create_ms, "reset_ms": reset_ms, "reps": reps,
            "default_create_ms": timed(lambda: World(default).store, 20),
            "default_reset_ms": timed(dworld.reset, 20)}


def _journal_worker(quick: bool) -> dict:
    """The journal and the dead-credential memory stay at their cap however much happens."""
    from mockserver.app import create_app
    from mockserver.domain.world import World
    from mockserver.fixtures import load_fixture

    world = World(load_fixture(None))
    journal = getattr(world, "journal", None)
    if journal is None:
        return {"absent": True}
    cap = journal.cap
    gc.collect()
    rss0 = _rss_kib()
    for i in range(cap):
        journal.record("login", f"user{i % 1000}@example.com", session=f"{i:04x}"[:4] + "…")
    gc.collect()
    rss1 = _rss_kib()
    times = 3 if quick else 10
    for i in range((times - 1) * cap):
        journal.record("login", f"user{i % 1000}@example.com", session=f"{i:04x}"[:4] + "…")
    gc.collect()
    rss2 = _rss_kib()
    kept = len(journal.since(0))
    graveyard = getattr(world, "graveyard", None)
    g_kept = None
    if graveyard is not None:
        for i in range(2 * cap):
            graveyard.bury(f"{i:032x}", "session", "x@example.com", "logged_out", 0.0)
        g_kept = len(graveyard)
    # through real traffic: a world with a small cap, many logins
    small_cap = 200 if quick else 500
    small = World(load_fixture(None), journal_cap=small_cap)
    app = create_app(world=small)
    w = _Wsgi(app)
    env = w.environ("POST", "/v2/user/auth", {"login": OWNER[0], "password": OWNER[1]})
    n = 3 * small_cap
    for _ in range(n):
        w.call(env)
    return {"cap": cap, "recorded": times * cap, "kept": kept,
            "bytes_per_event": (rss1 - rss0) * 1024 / cap, "growth_past_cap_kib": rss2 - rss1,
            "full_journal_kib": rss1 - rss0, "graveyard_kept": g_kept, "http_cap": small_cap,
            "http_logins": n, "http_kept": len(small.journal.since(0)),
            "http_last_seq": small.journal.last_seq}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--sessions", type=int)
    p.add_argument("--iters", type=int, default=2000)
    p.add_argument("--world", type=int)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--journal", action="store_true")
    p.add_argument("--quick", action="store_true")
    a = p.parse_args()
    sys.path.insert(0, str(tree()))
    import logging
    logging.disable(logging.WARNING)
    if a.journal:
        result = _journal_worker(a.quick)
    elif a.world:
        result = _world_worker(a.world, a.reps)
    else:
        result = _sessions_worker(a.sessions, a.iters)
    print(json.dumps(result))
