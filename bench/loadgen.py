"""The load generator: wrk (Debian) with bench/wrk_report.lua, one thread pinned to the last
CPU with taskset; or, if wrk cannot be had, a Python thread generator (said so in the results).

`python bench/loadgen.py URL METHOD CONC SECONDS [BODY] [HEADERS]` is the fallback's worker.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from common import BENCH, HOST, PY, child_env, percentile, tree


@dataclass
class Request:
    """What one load point sends."""
    method: str
    path: str
    body: str | None = None
    headers: dict = field(default_factory=dict)


class Generator:
    def __init__(self, kind: str, note: str) -> None:
        self.kind, self.note = kind, note
        cpus = os.sched_getaffinity(0)
        self.cpu = max(cpus)  # wrk's one thread lives on the last CPU

    def describe(self) -> str:
        return self.note

    def run(self, port: int, req: Request, conc: int, seconds: float) -> dict:
        if self.kind == "wrk":
            return self._wrk(port, req, conc, seconds)
        return self._python(port, req, conc, seconds)

    def _wrk(self, port: int, req: Request, conc: int, seconds: float) -> dict:
        env = dict(os.environ)
        env["WRK_METHOD"] = req.method
        env["WRK_BODY"] = req.body or ""
        hdrs = dict(req.headers)
        if req.body:
            hdrs.setdefault("Content-Type", "application/json")
        env["WRK_HEADERS"] = "|".join(f"{k}: {v}" for k, v in hdrs.items())
        cmd = ["wrk", "-t1", f"-c{conc}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
               "-s", str(BENCH / "wrk_report.lua"), f"http://{HOST}:{port}{req.path}"]
        if shutil.which("taskset"):
            cmd = ["taskset", "-c", str(self.cpu)] + cmd
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 30)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        line = next((l for l in out.stdout.splitlines() if l.startswith("WRKJSON ")), None)
        if line is None:
            raise RuntimeError(f"wrk gave no result: {out.stdout[-500:]} {out.stderr[-500:]}")
        r = json.loads(line[len("WRKJSON "):])
        dur = r["duration_us"] / 1e6
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
        return {"rps": r["requests"] / dur, "p50_ms": r["p50_us"] / 1000,
                "p99_ms": r["p99_us"] / 1000, "max_ms": r["max_us"] / 1000,
                "requests": r["requests"], "errors": errors, "non2xx": r["status"],
                "gen_cpu": cpu / dur, "seconds": dur}

    def _python(self, port: int, req: Request, conc: int, seconds: float) -> dict:
        cmd = [PY, str(BENCH / "loadgen.py"), f"http://{HOST}:{port}{req.path}", req.method,
               str(conc), str(seconds), req.body or "", json.dumps(req.headers)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(cmd, env=child_env(), cwd=tree(), capture_output=True, text=True,
                             timeout=seconds + 60)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        r["gen_cpu"] = cpu / r["seconds"]
        return r


def get_generator(smoke: bool, log=print) -> Generator:
    """wrk if present; else install it (apt-get, bounded); else the Python fallback."""
    if shutil.which("wrk") is None and shutil.which("apt-get") and os.geteuid() == 0:
        log("wrk not found: installing it with apt-get (bounded to %d s)" % (40 if smoke else 240))
        steps = [["apt-get", "install", "-y", "-qq", "wrk"]]
        if not smoke:  # a smoke run does not refresh the package lists; the full run does
            steps.insert(0, ["apt-get", "update", "-qq"])
        budget = time.monotonic() + (40 if smoke else 240)
        for step in steps:
            left = budget - time.monotonic()
            if left <= 0:
                break
            try:
                subprocess.run(step, capture_output=True, timeout=left,
                               env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
            except subprocess.TimeoutExpired:
                break
    if shutil.which("wrk"):
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
        g = Generator("wrk", "")
        g.note = (f"{version.split(' Copyright')[0].strip()}, 1 thread pinned to CPU {g.cpu} "
                  f"(taskset), Lua script bench/wrk_report.lua; latencies from wrk's histogram")
        return g
    return Generator("python", "Python fallback generator (threads + http.client, one process): "
                     "wrk was not available; GIL-bound, so it may be the bottleneck and "
                     "absolute figures are low; ratios remain comparable")


# --- the fallback generator's worker ------------------------------------------------------------

def _worker_main(argv: list[str]) -> int:
    import http.client

    url, method, conc, seconds, body, headers = argv[0], argv[1], int(argv[2]), float(argv[3]), \
        argv[4], json.loads(argv[5])
    u = urllib.parse.urlsplit(url)
    data = body.encode() if body else None
    if data:
        headers = {**headers, "Content-Type": "application/json"}
    lat: list[list[float]] = [[] for _ in range(conc)]
    errs = [0] * conc
    non2xx = [0] * conc
    stop_at = time.perf_counter() + seconds
    path = u.path + (f"?{u.query}" if u.query else "")

    def loop(i: int) -> None:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
        for _ in range(10_000_000):  # bounded; the clock ends it first
            if time.perf_counter() >= stop_at:
                break
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                resp.read()
                if not 200 <= resp.status < 400:
                    non2xx[i] += 1
            except OSError:
                errs[i] += 1
                conn.close()
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
                continue
            lat[i].append(time.perf_counter() - t0)
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 10)
    dur = time.perf_counter() - t0
    all_lat = [x for xs in lat for x in xs]
    print(json.dumps({"rps": len(all_lat) / dur, "p50_ms": percentile(all_lat, 50) * 1000,
                      "p99_ms": percentile(all_lat, 99) * 1000,
                      "max_ms": max(all_lat, default=0) * 1000, "requests": len(all_lat),
                      "errors": sum(errs), "non2xx": sum(non2xx), "seconds": dur}))
    return 0


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))
