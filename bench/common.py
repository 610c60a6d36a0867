"""Shared helpers: paths, child processes (started, stopped and reaped by PID), HTTP, stats.

Every wait here is bounded in time; every loop is bounded in count.
"""
from __future__ import annotations

import http.client
import json
import os
import platform
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def tree() -> Path:
    """The mockserver source tree under test: this repository, or BENCH_TREE (run.py --tree)
    to measure a candidate change against the same baselines."""
    return Path(os.environ.get("BENCH_TREE") or REPO).resolve()

PY = sys.executable
HOST = "127.0.0.1"  # all traffic stays on loopback
PYCACHE = os.path.join(tempfile.gettempdir(), "navixy-bench-pycache")

OWNER = ("owner@example.com", "owner-password")
RACER = ("other@example.com", "other-password")  # the key race runs on its own account


def child_env() -> dict:
    """PYTHONPATH so every child finds `mockserver` (repo root) and `baseline_app` (bench/)."""
    env = dict(os.environ)
    parts = [str(tree()), str(BENCH)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    env["PYTHONPATH"] = os.pathsep.join(parts)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("MOCKSERVER_FIXTURES", None)
    # Start-up is measured with bytecode cached, as a user's Python has it. The cache lives in
    # a temporary folder, not beside the sources (this sandbox sets PYTHONDONTWRITEBYTECODE).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = PYCACHE
    return env


def tool(name: str) -> str:
    """A console script of this interpreter's environment (granian, gunicorn)."""
    candidate = Path(PY).parent / name
    return str(candidate) if candidate.exists() else name


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --- child processes -------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    """Direct and indirect children of pid (from /proc), so a stop can check they are gone."""
    found, todo = [], [pid]
    for _ in range(64):  # bounded walk
        if not todo:
            break
        parent = todo.pop()
        try:
            for task in os.listdir(f"/proc/{parent}/task"):
                with open(f"/proc/{parent}/task/{task}/children") as fh:
                    for c in fh.read().split():
                        found.append(int(c))
                        todo.append(int(c))
        except OSError:
            pass
    return found


def rss_kib(pid: int) -> int:
    """VmRSS of pid, in KiB (0 if gone)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Child:
    """One server process. Started here, stopped here by its PID: SIGTERM, wait, SIGKILL only
    if it hangs. Its stderr goes to a temporary file (a full pipe would stall the server)."""

    def __init__(self, cmd: list[str], *, cwd: Path | None = None) -> None:
        self.cmd = cmd
        self._err = tempfile.TemporaryFile()
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=cwd or tree(), env=child_env(), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._err)
        self.pid = self.proc.pid

    def read_line(self, prefix: str, timeout: float) -> str:
        """The first stdout line starting with prefix, within timeout seconds."""
        deadline = time.monotonic() + timeout
        buf = b""
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            for _ in range(10_000):
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None and not sel.select(0):
                    break
                if not sel.select(min(left, 0.5)):
                    continue
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    text = line.decode(errors="replace").strip()
                    if text.startswith(prefix):
                        return text
        raise RuntimeError(f"no {prefix!r} line within {timeout}s from {self.cmd}: {self.stderr()}")

    def wait_port(self, port: int, timeout: float) -> None:
        """Poll until the port accepts a connection (servers that print no ready line)."""
        deadline = time.monotonic() + timeout
        for _ in range(100_000):
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.cmd} exited {self.proc.returncode}: {self.stderr()}")
            try:
                socket.create_connection((HOST, port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.003)
        raise RuntimeError(f"port {port} not open within {timeout}s: {self.stderr()}")

    def rss_kib(self) -> int:
        """RSS of the process and its children (granian and gunicorn serve from a child)."""
        return sum(rss_kib(p) for p in [self.pid, *_children(self.pid)])

    def stderr(self, limit: int = 2000) -> str:
        try:
            self._err.seek(0)
            return self._err.read().decode(errors="replace")[-limit:]
        except (OSError, ValueError):
            return ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> dict:
        """Send sig; wait; SIGKILL only on a hang. Returns exit code, seconds, leftovers."""
        kids = _children(self.pid)
        t0 = time.perf_counter()
        clean = True
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                clean = False
                self.proc.kill()
                self.proc.wait(timeout=5)
        seconds = time.perf_counter() - t0
        leftovers = []
        for kid in kids:  # a child that outlived its parent is stopped by its own PID
            if Path(f"/proc/{kid}").exists() and _is_zombie_free(kid):
                leftovers.append(kid)
                try:
                    os.kill(kid, signal.SIGKILL)
                except OSError:
                    pass
        if self.proc.stdout:
            self.proc.stdout.close()
        self._err.close()
        return {"exit": self.proc.returncode, "seconds": seconds, "clean": clean and not leftovers
                and self.proc.returncode == 0, "leftovers": leftovers}


def _is_zombie_free(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


# --- HTTP --------------------------------------------------------------------------------------

class Http:
    """One keep-alive connection to the server under test."""

    def __init__(self, port: int, timeout: float = 10.0, prefix: str = "") -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        self.prefix = prefix  # e.g. /__ns__/NAME: the same calls inside a namespace

    def connect(self) -> "Http":
        self.conn.connect()
        return self

    def call(self, method: str, path: str, body: dict | None = None,
             headers: dict | None = None) -> tuple[int, object, float]:
        data = None if body is None else json.dumps(body).encode()
        hdrs = dict(headers or {})
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        self.conn.request(method, self.prefix + path, body=data, headers=hdrs)
        resp = self.conn.getresponse()
        raw = resp.read()
        dt = time.perf_counter() - t0
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw[:200]
        return resp.status, parsed, dt

    def login(self, who=OWNER) -> str:
        status, body, _ = self.call("POST", "/v2/user/auth", {"login": who[0], "password": who[1]})
        if status != 200:
            raise RuntimeError(f"login failed: {status} {body}")
        return body["hash"]

    def close(self) -> None:
        self.conn.close()


# --- numbers -----------------------------------------------------------------------------------

def median(xs):
    return statistics.median(xs) if xs else float("nan")


def percentile(xs, q: float) -> float:
    """Nearest-rank percentile, q in [0, 100]."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


def ratio(a, b) -> float:
    try:
        return a / b if b else float("nan")
    except TypeError:
        return float("nan")


def machine() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "load_before": load}
