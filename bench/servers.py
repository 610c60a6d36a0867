"""How each WSGI server is started, for the fake and for the bare baseline app: both through
mockserver/serving.py, so server and settings are the product's own.

The fake: `python -m mockserver serve --server NAME --port 0`; the baseline:
`python bench/baseline_app.py --server NAME --port 0`. Both print `listening on
http://HOST:PORT` from the process that answers, once the port accepts connections.
"""
from __future__ import annotations

import time

from common import BENCH, HOST, PY, Child

from mockserver.serving import DEFAULT, DEFAULT_THREADS, SERVERS

SERVERS = (DEFAULT, *(s for s in SERVERS if s != DEFAULT))
# The issue's fixed yardstick for the product target ("get_info on the default server >= 1.6 x
# a bare Flask hello on waitress"), whatever the default server is.
REFERENCE = "waitress"
_HOW = {
    "granian": f"granian, 1 worker, {DEFAULT_THREADS['granian']} blocking thread",
    "waitress": f"waitress, {DEFAULT_THREADS['waitress']} threads",
    "gunicorn": f"gunicorn, 1 gthread worker, {DEFAULT_THREADS['gunicorn']} threads",
}
SETTINGS = {s: f"{how} (" + ("mockserver serve's default" if s == DEFAULT else
                             f"mockserver serve --server {s}") + ")" for s, how in _HOW.items()}


def launch(server: str, app: str, timeout: float = 15.0) -> tuple[Child, int, float]:
    """Start `app` ("mock" or "base") on `server`; return the child, its port and the seconds
    from spawn until it printed its listening line."""
    cmd = ([PY, "-m", "mockserver", "serve", "--server", server, "--host", HOST, "--port", "0"]
           if app == "mock" else
           [PY, str(BENCH / "baseline_app.py"), "--server", server, "--host", HOST, "--port", "0"])
    child = Child(cmd)
    line = child.read_line("listening on http://", timeout)
    return child, int(line.rsplit(":", 1)[1]), time.perf_counter() - child.t_spawn
