"""How each WSGI server is started, for the fake and for the bare baseline app.

waitress: the product's own CLI (`python -m mockserver serve --port 0`, 8 threads) and
bench/baseline_app.py, which mirrors it; both print `listening on http://HOST:PORT`.
granian: `--interface wsgi`, 1 worker, 1 blocking thread. gunicorn: `-w 1 -k gthread
--threads 8`. Both of those serve `mockserver.wsgi:app` / `baseline_app:app` on a port picked
here, and are ready when the port accepts a connection.
"""
from __future__ import annotations

import time

from common import BENCH, HOST, PY, Child, free_port, tool

SERVERS = ("waitress", "granian", "gunicorn")
TARGETS = {"mock": "mockserver.wsgi:app", "base": "baseline_app:app"}
SETTINGS = {
    "waitress": "waitress 8 threads (the CLI's setting)",
    "granian": "granian --interface wsgi --workers 1 --blocking-threads 1",
    "gunicorn": "gunicorn -w 1 -k gthread --threads 8",
}


def launch(server: str, app: str, timeout: float = 15.0) -> tuple[Child, int, float]:
    """Start `app` ("mock" or "base") on `server`; return the child, its port and the seconds
    from spawn until it accepted connections (waitress: printed its listening line)."""
    if server == "waitress":
        cmd = ([PY, "-m", "mockserver", "serve", "--host", HOST, "--port", "0"] if app == "mock"
               else [PY, str(BENCH / "baseline_app.py"), "--host", HOST, "--port", "0"])
        child = Child(cmd)
        line = child.read_line("listening on http://", timeout)
        ready = time.perf_counter() - child.t_spawn
        return child, int(line.rsplit(":", 1)[1]), ready
    port = free_port()
    if server == "granian":
        cmd = [tool("granian"), "--interface", "wsgi", "--host", HOST, "--port", str(port),
               "--workers", "1", "--blocking-threads", "1", "--log-level", "warning",
               "--no-ws", TARGETS[app]]
    elif server == "gunicorn":
        cmd = [tool("gunicorn"), "-w", "1", "-k", "gthread", "--threads", "8",
               "-b", f"{HOST}:{port}", "--log-level", "warning", TARGETS[app]]
    else:
        raise ValueError(server)
    child = Child(cmd)
    child.wait_port(port, timeout)
    return child, port, time.perf_counter() - child.t_spawn
