"""cProfile of one endpoint's hot path, in process, straight through the WSGI callable.

`python bench/hotpath.py [--calls N] [--endpoint get_info|auth|key_list|flow_list]` prints the
top functions by own time and by cumulative time; run.py puts the get_info top list in
RESULTS.md (full mode) so per-request costs are visible next to the figures.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import subprocess
import sys

from common import BENCH, OWNER, PY, child_env, tree


def profile(endpoint: str = "get_info", calls: int = 2000, top: int = 15) -> dict:
    out = subprocess.run([PY, str(BENCH / "hotpath.py"), "--calls", str(calls), "--endpoint",
                          endpoint, "--top", str(top), "--json"], cwd=tree(), env=child_env(),
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--calls", type=int, default=2000)
    p.add_argument("--endpoint", default="get_info")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    sys.path.insert(0, str(tree()))
    import logging
    logging.disable(logging.WARNING)
    from mockserver.app import create_app
    from scale import _Wsgi

    app = create_app()
    w = _Wsgi(app)
    _, data = w.call(w.environ("POST", "/v2/user/auth", {"login": OWNER[0], "password": OWNER[1]}))
    h = json.loads(data)["hash"]
    env = {
        "get_info": w.environ("GET", "/v2/user/get_info", headers={"Authorization": f"NVX {h}"}),
        "auth": w.environ("POST", "/v2/user/auth", {"login": OWNER[0], "password": OWNER[1]}),
        "key_list": w.environ("POST", "/v2/api/key/list", {"hash": h}),
        "flow_list": w.environ("GET", "/v2/iot/logic/flow/list",
                               headers={"Authorization": f"NVX {h}"}),
    }[a.endpoint]
    for _ in range(200):
        w.call(env)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(a.calls):
        w.call(env)
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt

    def rows(key: str) -> list[dict]:
        st = pstats.Stats(prof)
        st.sort_stats(key)
        out = []
        for func in st.fcn_list[:a.top]:
            cc, nc, tt, ct, _ = st.stats[func]
            path, line, name = func
            short = path.split("site-packages/")[-1].replace(str(tree()) + "/", "")
            out.append({"func": f"{short}:{line}({name})", "calls_per_req": nc / a.calls,
                        "own_us": tt / a.calls * 1e6, "cum_us": ct / a.calls * 1e6})
        return out

    result = {"endpoint": a.endpoint, "calls": a.calls, "us_per_call_profiled": total / a.calls * 1e6,
              "by_own": rows("tottime"), "by_cum": rows("cumulative")}
    if a.json:
        print(json.dumps(result))
        return
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(a.top)
    print(buf.getvalue())
    pstats.Stats(prof, stream=(buf := io.StringIO())).sort_stats("tottime").print_stats(a.top)
    print(buf.getvalue())


if __name__ == "__main__":
    _main()
