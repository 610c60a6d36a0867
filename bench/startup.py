"""Start-up: spawn -> first HTTP 200 from /v2/user/get_info after a fresh login, against the
bare Flask app on the same server; first request vs tenth; SIGTERM shutdown; SIGINT on the
default server (`mockserver serve` as a user runs it); in-process ready (waitress in a thread,
as the pytest plugin runs it).

`python bench/startup.py --inproc` is the worker for the in-process measurement (a fresh
interpreter per sample, so imports are counted where they would be).
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

from common import BENCH, HOST, OWNER, PY, Http, child_env, median, tree
from servers import launch

from mockserver.serving import DEFAULT

CALLS = (  # (name, method, path, body?, header?) - each called 10 times after the first login
    ("get_info", "GET", "/v2/user/get_info", False, True),
    ("api/key/list", "POST", "/v2/api/key/list", True, False),
    ("flow/list", "GET", "/v2/iot/logic/flow/list", False, True),
)


def _mock_sample(server: str) -> dict:
    child, port, ready = launch(server, "mock")
    try:
        http = Http(port).connect()
        t0 = time.perf_counter()
        hash_ = http.login()
        lat: dict[str, list[float]] = {"user/auth": [time.perf_counter() - t0]}
        first_200 = None
        for name, method, path, in_body, in_header in CALLS:
            for i in range(10):
                status, _, dt = http.call(method, path, {"hash": hash_} if in_body else None,
                                          {"Authorization": f"NVX {hash_}"} if in_header else None)
                if status != 200:
                    raise RuntimeError(f"{name}: HTTP {status}")
                if first_200 is None:
                    first_200 = time.perf_counter() - child.t_spawn
                lat.setdefault(name, []).append(dt)
        for i in range(9):
            t0 = time.perf_counter()
            http.login()
            lat["user/auth"].append(time.perf_counter() - t0)
        http.close()
        rss = child.rss_kib()
    finally:
        stop = child.stop()
    return {"ready": ready, "first_200": first_200, "lat": lat,
            "rss_kib": rss, "stop": stop}


def _base_sample(server: str) -> dict:
    child, port, ready = launch(server, "base")
    try:
        http = Http(port).connect()
        lat = []
        first_200 = None
        for i in range(10):
            status, _, dt = http.call("GET", "/")
            if status != 200:
                raise RuntimeError(f"baseline: HTTP {status}")
            if first_200 is None:
                first_200 = time.perf_counter() - child.t_spawn
            lat.append(dt)
        http.close()
        rss = child.rss_kib()
    finally:
        stop = child.stop()
    return {"ready": ready, "first_200": first_200, "lat": {"hello": lat}, "rss_kib": rss,
            "stop": stop}


def measure_server(server: str, n: int) -> dict:
    """n samples each of the fake and the baseline, interleaved so both see the same noise."""
    mock, base = [], []
    for _ in range(n):
        mock.append(_mock_sample(server))
        base.append(_base_sample(server))

    def summary(samples):
        out = {"ready_s": median([s["ready"] for s in samples]),
               "first_200_s": median([s["first_200"] for s in samples]),
               "all_first_200_s": [s["first_200"] for s in samples],
               "rss_mib": median([s["rss_kib"] for s in samples]) / 1024,
               "stop_s": median([s["stop"]["seconds"] for s in samples]),
               "stop_exit": sorted({s["stop"]["exit"] for s in samples}),
               "stop_clean": all(s["stop"]["clean"] for s in samples), "calls": {}}
        for name in samples[0]["lat"]:
            out["calls"][name] = {
                "first_ms": median([s["lat"][name][0] for s in samples]) * 1000,
                "tenth_ms": median([s["lat"][name][9] for s in samples]) * 1000,
                "rest_ms": median([median(s["lat"][name][1:]) for s in samples]) * 1000}
        return out

    return {"server": server, "n": n, "mock": summary(mock), "base": summary(base)}


def warm_bytecode() -> None:
    """Compile every module a server imports into the bench's bytecode cache (not timed)."""
    code = ("import importlib\n"
            "for m in ('mockserver.cli', 'mockserver.app', 'mockserver.serving', 'baseline_app', "
            "'waitress', 'granian', 'granian.server', 'granian.http', 'granian.log', "
            "'gunicorn.app.base', 'gunicorn.workers.gthread'):\n"
            "    try:\n        importlib.import_module(m)\n"
            "    except ImportError:\n        pass\n")
    subprocess.run([PY, "-c", code], cwd=tree(), env=child_env(), capture_output=True, timeout=60)


def sigint_check(server: str = DEFAULT) -> dict:
    """The CLI also stops cleanly on SIGINT (Ctrl-C), by default on its default server."""
    import signal
    child, port, _ = launch(server, "mock")
    try:
        http = Http(port).connect()
        http.login()
        http.close()
    finally:
        r = child.stop(signal.SIGINT)
    return {**r, "server": server}


def measure_inproc(n: int) -> dict:
    samples = []
    for _ in range(n):
        out = subprocess.run([PY, str(BENCH / "startup.py"), "--inproc"], cwd=tree(),
                             env=child_env(), capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-2000:])
        samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {**{k: median([s[k] for s in samples]) for k in samples[0]}, "n": n}


def _inproc_worker() -> None:
    import pytest  # noqa: F401  (loaded before any plugin in a real run: not timed)
    t0 = time.perf_counter()
    try:  # what pytest imports at start-up when the plugin is installed
        from mockserver import pytest_plugin as plugin
    except ImportError:
        plugin = None
    t_plugin = time.perf_counter() - t0
    t0 = time.perf_counter()
    import waitress  # the session fixture imports these lazily, on first request
    from werkzeug.serving import make_server

    from mockserver.app import create_app
    t_import = time.perf_counter() - t0
    use_plugin = plugin is not None and hasattr(plugin, "InProcessServer")

    def start_session():
        """The session fixture: the plugin's InProcessServer, or its recipe if not there."""
        app = create_app()
        if use_plugin:
            srv = plugin.InProcessServer(app)
            return int(srv.url.rsplit(":", 1)[1]), srv.stop
        srv = waitress.create_server(app, host=HOST, port=0, threads=8)
        th = threading.Thread(target=srv.run, daemon=True)
        th.start()
        return srv.effective_port, lambda: (srv.close(), th.join(5))

    def ready_session() -> tuple[float, list[float]]:
        t = time.perf_counter()
        port, stop = start_session()
        _first_info(port)
        dt = time.perf_counter() - t
        ns = []
        for i in range(3):  # per-test fixture: a fresh namespace, its first login + get_info
            t = time.perf_counter()
            _first_info(port, f"/__ns__/bench-{i}")
            ns.append(time.perf_counter() - t)
        stop()
        return dt, ns

    def ready_werkzeug() -> float:
        t = time.perf_counter()
        app = create_app()
        srv = make_server(HOST, 0, app, threaded=True)
        th = threading.Thread(target=lambda: srv.serve_forever(poll_interval=0.05), daemon=True)
        th.start()
        _first_info(srv.server_port)
        dt = time.perf_counter() - t
        srv.shutdown()
        srv.server_close()
        th.join(5)
        return dt

    cold, ns = ready_session()  # first in this interpreter: lazy imports, first app
    warm, _ = ready_session()  # a second session-scoped server in the same interpreter
    wz = ready_werkzeug()
    print(json.dumps({"plugin_import_s": t_plugin, "import_s": t_import, "cold_ready_s": cold,
                      "cold_total_s": t_import + cold,
                      "warm_ready_s": warm, "werkzeug_ready_s": wz,
                      "namespace_first_s": ns[0], "namespace_next_s": median(ns[1:]),
                      "has_plugin": int(use_plugin)}))


def _first_info(port: int, prefix: str = "") -> None:
    http = Http(port, prefix=prefix).connect()
    hash_ = http.login(OWNER)
    status, _, _ = http.call("GET", "/v2/user/get_info", None, {"Authorization": f"NVX {hash_}"})
    http.close()
    if status != 200:
        raise RuntimeError(f"in-process get_info: HTTP {status}")


if __name__ == "__main__" and sys.argv[1:] == ["--inproc"]:
    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    _inproc_worker()
