"""Throughput and latency per server, against the bare app on the same server, and the
20-key race under load.

Request shapes (all on the fixture owner's one session, logged in once per server):
  user/auth            POST JSON {login, password}
  user/get_info        GET, `Authorization: NVX <hash>`
  api/key/list         POST JSON {hash}
  iot/logic/flow/list  GET, `Authorization: NVX <hash>`
  baseline hello       GET /
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass

from common import OWNER, RACER, Http
from loadgen import Generator, Request
from servers import SERVERS, launch

from mockserver.serving import DEFAULT

ENDPOINTS = ("user/get_info", "user/auth", "api/key/list", "iot/logic/flow/list")
HELLO = Request("GET", "/")


def request_for(endpoint: str, hash_: str) -> Request:
    header = {"Authorization": f"NVX {hash_}"}
    return {
        "user/auth": Request("POST", "/v2/user/auth",
                             json.dumps({"login": OWNER[0], "password": OWNER[1]})),
        "user/get_info": Request("GET", "/v2/user/get_info", None, header),
        "api/key/list": Request("POST", "/v2/api/key/list", json.dumps({"hash": hash_})),
        "iot/logic/flow/list": Request("GET", "/v2/iot/logic/flow/list", None, header),
    }[endpoint]


@dataclass
class Plan:
    seconds: float  # per measured point
    wrk_warmup: bool  # full mode: 1 s of wrk before each endpoint; smoke: 50 plain requests
    points: dict  # server -> {endpoint: (concurrencies...)}; "hello" is the baseline
    race: bool = True


def full_plan(seconds: float = 10.0) -> Plan:
    every = {ep: (1, 16, 64) for ep in (*ENDPOINTS, "hello")}
    return Plan(seconds, True, {s: every for s in SERVERS})


def smoke_plan(seconds: float = 2.0) -> Plan:
    """Every endpoint at c=16 on the default server (the product's figures, and the fake's side
    of the anchors); get_info and the bare hello on the others (the reference server's bare
    hello is the product target's denominator)."""
    short = {"user/get_info": (16,), "hello": (16,)}
    return Plan(seconds, False, {s: {ep: (16,) for ep in (*ENDPOINTS, "hello")} if s == DEFAULT
                                 else short for s in SERVERS})


def _warm(gen: Generator, port: int, req: Request, plan: Plan, during=None) -> None:
    """Warm-up, not recorded. `during` (the key race) runs while a wrk load is on."""
    if plan.wrk_warmup or during is not None:
        box = {}
        window = (2.0 if plan.wrk_warmup else 1.0) if during else 1.0
        t = threading.Thread(target=lambda: box.update(r=gen.run(port, req, 16, window)))
        t.start()
        if during is not None:
            time.sleep(0.3)  # the load is on
            box["race"] = during()
        t.join(60)
        if during is not None:
            box["race"]["load_during"] = box.get("r")
            return box["race"]
        return None
    http = Http(port).connect()
    body = json.loads(req.body) if req.body else None
    for _ in range(50):
        http.call(req.method, req.path, body, req.headers)
    http.close()
    return None


def run_server(server: str, gen: Generator, plan: Plan, log=print) -> dict:
    """The fake and the bare app run side by side on the same server; for each concurrency the
    baseline point runs first, then the fake's endpoints, so both see the same machine noise."""
    points = plan.points[server]
    out = {"server": server, "mock": {}, "base": {}, "race": None}
    mock, mport, _ = launch(server, "mock")
    base = None
    try:
        base, bport, _ = launch(server, "base")
        http = Http(mport).connect()
        owner_hash = http.login(OWNER)
        http.close()
        _warm(gen, bport, HELLO, plan)
        for ep in ENDPOINTS:
            if ep not in points:
                continue
            req = request_for(ep, owner_hash)
            if ep == "user/get_info" and plan.race:
                out["race"] = _warm(gen, mport, req, plan,
                                    during=lambda: key_race(mport, owner_hash))
                log(f"  {server}: key race under load: {out['race']['verdict']}")
            else:
                _warm(gen, mport, req, plan)
        for c in sorted({c for cs in points.values() for c in cs}):
            if c in points.get("hello", ()):
                r = out["base"][f"hello@{c}"] = gen.run(bport, HELLO, c, plan.seconds)
                _log_point(log, server, "baseline hello", c, r)
            for ep in ENDPOINTS:
                if c in points.get(ep, ()):
                    r = out["mock"][f"{ep}@{c}"] = gen.run(mport, request_for(ep, owner_hash), c,
                                                          plan.seconds)
                    _log_point(log, server, ep, c, r)
        out["mock_rss_mib"] = mock.rss_kib() / 1024
        out["base_rss_mib"] = base.rss_kib() / 1024
    finally:
        out["mock_stop"] = mock.stop()
        if base is not None:
            out["base_stop"] = base.stop()
    return out


def _log_point(log, server: str, what: str, c: int, r: dict) -> None:
    log(f"  {server:8} {what:20} c={c:<3} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.2f} ms  "
        f"p99 {r['p99_ms']:6.2f} ms  errors {r['errors']}+{r['non2xx']}  "
        f"generator CPU {r['gen_cpu'] * 100:.0f} %")


HEX32 = re.compile(r"[0-9a-f]{32}")
RACE_CONNECTIONS = 32
RACE_PER_CONNECTION = 3


def key_race(port: int, owner_hash: str) -> dict:
    """32 connections x 3 api/key/create on one account, released by a barrier, while get_info
    load runs. Afterwards: exactly 20 keys, and the invariants below."""
    admin = Http(port).connect()
    racer = admin.login(RACER)
    _, before, _ = admin.call("POST", "/v2/api/key/list", {"hash": racer})
    start_count = len(before["list"])
    barrier = threading.Barrier(RACE_CONNECTIONS, timeout=20)
    results: list[tuple[int, int | None, str | None]] = []
    lock = threading.Lock()
    errors: list[str] = []

    def worker(i: int) -> None:
        try:
            conn = Http(port).connect()
            barrier.wait()
            for j in range(RACE_PER_CONNECTION):
                status, body, _ = conn.call("POST", "/v2/api/key/create",
                                            {"hash": racer, "title": f"race {i}.{j}"})
                code = None if status == 200 else body.get("status", {}).get("code")
                value = body.get("value", {}).get("hash") if status == 200 else None
                with lock:
                    results.append((status, code, value))
            conn.close()
        except Exception as exc:  # noqa: BLE001 - reported, never swallowed
            with lock:
                errors.append(repr(exc))

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True)
               for i in range(RACE_CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    race_s = time.perf_counter() - t0
    outcome = Counter((s, c) for s, c, _ in results)
    created = {v for s, _, v in results if s == 200}
    _, after, _ = admin.call("POST", "/v2/api/key/list", {"hash": racer})
    listed = [k["hash"] for k in after["list"]]
    works = sum(admin.call("GET", "/v2/user/get_info", None,
                           {"Authorization": f"NVX {k}"})[0] == 200 for k in listed)
    s21, b21, _ = admin.call("POST", "/v2/api/key/create", {"hash": racer, "title": "21st"})
    _, owner_list, _ = admin.call("POST", "/v2/api/key/list", {"hash": owner_hash})
    admin.close()
    checks = {
        "started with 0 keys": start_count == 0,
        "exactly 20 creates succeeded": outcome[(200, None)] == 20,
        "every other create got 268 / HTTP 402": outcome[(402, 268)] == len(results) - 20,
        "all attempts answered": len(results) == RACE_CONNECTIONS * RACE_PER_CONNECTION
        and not errors,
        "api/key/list shows exactly 20": len(listed) == 20,
        "listed keys are distinct 32-hex": len(set(listed)) == 20
        and all(HEX32.fullmatch(k) for k in listed),
        "listed == the 20 created": set(listed) == created,
        "every key authenticates get_info": works == 20,
        "a 21st create gets 268 / 402": s21 == 402 and b21["status"]["code"] == 268,
        "the owner account saw none of them": len(owner_list["list"]) == 0,
    }
    ok = all(checks.values())
    return {"attempts": len(results), "outcome": {f"{s}/{c}": n for (s, c), n in outcome.items()},
            "keys_after": len(listed), "checks": checks, "ok": ok, "errors": errors[:3],
            "race_s": race_s,
            "verdict": (f"{'PASS' if ok else 'FAIL'}: {len(results)} creates from "
                        f"{RACE_CONNECTIONS} connections -> {outcome[(200, None)]} created, "
                        f"{len(listed)} listed")}
