"""The benchmark: start-up, throughput and latency, scale and memory, and the 20-key race,
each against a baseline measured in the same run. Writes bench/RESULTS.md (and the raw figures
to bench/out/results.json) and prints a short table.

    python bench/run.py            # full: ~10 s per load point, 3 servers, up to 1M sessions
    python bench/run.py --smoke    # the same harness in well under a minute
    python bench/run.py --anchors  # also Prism, Mockoon and WireMock (bench/anchor_mocks.py)

Run from the repository root (or with mockserver installed). All traffic goes to 127.0.0.1;
every process started here is stopped by its PID.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH, REPO, machine, ratio  # noqa: E402

if str(REPO) not in sys.path:
    sys.path.insert(1, str(REPO))

import loadgen  # noqa: E402
import report  # noqa: E402
import scale  # noqa: E402
import startup  # noqa: E402
import throughput  # noqa: E402
from servers import REFERENCE, SERVERS  # noqa: E402

from mockserver.serving import DEFAULT  # noqa: E402

PHASES = ("startup", "throughput", "scale", "profile")
SMOKE_BUDGET_S = 50.0  # `make bench-smoke` < 60 s, with margin for make and interpreter start


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--smoke", action="store_true", help="seconds, not minutes (< 60 s)")
    p.add_argument("--seconds", type=float, help="per load point (default 10, smoke 2)")
    p.add_argument("--servers", default=",".join(SERVERS), help="comma list of " + ",".join(SERVERS))
    p.add_argument("--skip", default="", help="comma list of phases to skip: " + ",".join(PHASES))
    p.add_argument("--tree", help="measure the mockserver package in this source tree instead "
                   "(a candidate change), against the same baselines")
    p.add_argument("--anchors", action="store_true",
                   help="also measure other mocks (Prism, Mockoon, WireMock) on get_info and "
                   "user/auth; installs them once with npm into bench/.anchors/ (not bound by "
                   "the smoke time budget)")
    p.add_argument("--output", default=str(BENCH / "RESULTS.md"))
    p.add_argument("--json", default=str(BENCH / "out" / "results.json"))
    a = p.parse_args(argv)
    if a.tree:
        os.environ["BENCH_TREE"] = str(Path(a.tree).resolve())
        sys.path.insert(0, os.environ["BENCH_TREE"])
    servers = [s for s in a.servers.split(",") if s]
    servers.sort(key=lambda s: s != DEFAULT)  # the default server first (stable otherwise)
    skip = {s for s in a.skip.split(",") if s}
    smoke = a.smoke
    seconds = a.seconds or (2.0 if smoke else 10.0)
    t_start = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - t_start:6.1f}s] {msg}", flush=True)

    res: dict = {"mode": "smoke" if smoke else "full", "seconds_per_point": seconds,
                 "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                 "command": "python bench/run.py " + " ".join(shlex.quote(x) for x in
                                                             (argv if argv is not None else sys.argv[1:])),
                 "machine": machine(), "servers": servers, "default_server": DEFAULT,
                 "reference_server": REFERENCE}
    res["command"] = res["command"].rstrip()
    try:
        import mockserver
        res["version"] = getattr(mockserver, "__version__", "?")
    except ImportError as exc:
        print(f"cannot import mockserver ({exc}): run from the repository root", file=sys.stderr)
        return 2
    res["git"] = _git_describe() if not a.tree else f"candidate tree {a.tree}"

    res["errors"] = {}

    def phase(name: str, fn) -> None:
        """One part of the run; a failure is recorded and reported, the rest still runs."""
        if name.split(":")[0] in skip:
            return
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - reported in RESULTS.md and the exit code
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            res["errors"][name] = detail[-1500:]
            log(f"  {name} FAILED: {detail[-400:]}")

    res["skipped"] = []
    res["phase_s"] = {}
    # Smoke mode keeps to a time budget (make bench-smoke must end within 60 s even on a busy
    # machine): the default server's figures come first, then the reference server's throughput
    # (its bare hello is the product target's yardstick), the rest only if time is left.
    deadline = t_start + (SMOKE_BUDGET_S if smoke else float("inf"))

    def time_left() -> float:
        return deadline - time.perf_counter()

    def timed_phase(name: str, fn) -> None:
        t0 = time.perf_counter()
        phase(name, fn)
        res["phase_s"][name] = round(time.perf_counter() - t0, 1)

    def afford(what: str, cost_s: float) -> bool:
        if time_left() >= cost_s:
            return True
        res["skipped"].append(f"{what} (smoke time budget: {time_left():.0f} s left)")
        log(f"  skipped {what}: smoke time budget")
        return False

    gen_box: dict = {}

    def generator():
        if "gen" not in gen_box:
            gen_box["gen"] = loadgen.get_generator(smoke, log)
            res["generator"] = gen_box["gen"].describe()
            log(f"load generator: {res['generator']}")
        return gen_box["gen"]

    plan = throughput.smoke_plan(seconds) if smoke else throughput.full_plan(seconds)
    res["startup"], res["throughput"] = {}, {}

    def do_startup(server: str) -> None:
        if not res["startup"]:
            log("start-up: spawn -> first 200 from get_info after a fresh login, vs bare Flask")
            startup.warm_bytecode()  # a user's Python has its bytecode cached: so does this run
        n = 5 if server == DEFAULT or not smoke else 1
        r = res["startup"][server] = startup.measure_server(server, n)
        log(f"  {server:8} fake {r['mock']['first_200_s'] * 1000:6.0f} ms  bare "
            f"{r['base']['first_200_s'] * 1000:6.0f} ms  ratio "
            f"{ratio(r['mock']['first_200_s'], r['base']['first_200_s']):.2f}  "
            f"SIGTERM stop {r['mock']['stop_s'] * 1000:.0f} ms exit {r['mock']['stop_exit']}")
        if server == DEFAULT:  # `mockserver serve` as a user runs it, stopped with Ctrl-C
            res["sigint"] = startup.sigint_check(server)

    def do_inproc() -> None:
        r = res["inproc"] = startup.measure_inproc(1 if smoke else 5)
        log(f"  in-process session server -> first get_info 200: {r['cold_ready_s'] * 1000:.0f} ms "
            f"(+{r['import_s'] * 1000:.0f} ms imports), again {r['warm_ready_s'] * 1000:.0f} ms; "
            f"a new namespace's first login + get_info {r['namespace_first_s'] * 1000:.1f} ms")

    def do_throughput(server: str) -> None:
        gen = generator()
        log(f"throughput on {server}")
        res["throughput"][server] = throughput.run_server(server, gen, plan, log)

    def do_scale() -> None:
        sizes = [10, 10_000] if smoke else [10, 10_000, 100_000, 1_000_000]
        log(f"scale: get_info in process with {', '.join(f'{n:,}' for n in sizes)} live sessions")
        res["scale"] = scale.run_sizes(sizes, 1000 if smoke else 3000, log)

    def do_world() -> None:
        res["world"] = scale.run_world(10_000, 1 if smoke else 5, log=log)

    def do_journal() -> None:
        res["journal"] = scale.run_journal(smoke, log)

    def do_anchors() -> None:
        import anchor_mocks
        r = res["anchors"] = anchor_mocks.run(generator(), plan, res, smoke, log)
        res["skipped"] += [f"anchor {n}: {s['reason']}" for n, s in r["skipped"].items()]

    def do_profile() -> None:
        import hotpath
        log("profile: cProfile of get_info, 3000 calls in process")
        res["profile"] = hotpath.profile("get_info", 3000, 15)

    first, others = servers[:1], servers[1:]
    for server in first:  # the default server (unless --servers leaves it out): always measured
        timed_phase(f"startup:{server}", lambda: do_startup(server))
    timed_phase("startup:in-process", do_inproc)
    for server in first:
        timed_phase(f"throughput:{server}", lambda: do_throughput(server))
    reference = [s for s in others if s == REFERENCE]
    for server in reference:  # the product target's bare hello: measured before the budget bites
        timed_phase(f"throughput:{server}", lambda: do_throughput(server))
    timed_phase("scale", do_scale)
    timed_phase("scale:world", do_world)
    timed_phase("scale:journal", do_journal)
    for server in others:  # the comparison servers, as far as the budget allows
        if afford(f"start-up on {server}", 5):
            timed_phase(f"startup:{server}", lambda: do_startup(server))
        if server not in reference and afford(f"throughput on {server}", 9):
            timed_phase(f"throughput:{server}", lambda: do_throughput(server))
    if a.anchors:  # opt-in; after the fake's own figures, which it compares against
        timed_phase("anchors", do_anchors)
    if not smoke:
        timed_phase("profile", do_profile)

    res["machine"]["load_after"] = os.getloadavg()
    res["elapsed_s"] = time.perf_counter() - t_start
    text, table = report.render(res)
    Path(a.output).write_text(text, encoding="utf-8")
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json).write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    print()
    print(table)
    print(f"\nwrote {os.path.relpath(a.output, REPO)} and {os.path.relpath(a.json, REPO)} "
          f"in {res['elapsed_s']:.0f} s")
    if res["errors"]:
        print(f"phases that failed: {', '.join(res['errors'])} (see RESULTS.md)", file=sys.stderr)
        return 1
    return 0


def _git_describe() -> str:
    import subprocess
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "mockserver"], cwd=REPO,
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return head + (" + uncommitted changes in mockserver/" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "?"


if __name__ == "__main__":
    sys.exit(main())
