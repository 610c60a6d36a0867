"""Other mocks as anchors (issue 6, part 5): `bench/run.py --anchors`.

Three stateless stub servers, each serving the same two canned answers as the fake gives for
the default fixture's owner, are measured with the throughput phase's load generator and
settings (wrk, one thread pinned, the same seconds per point and concurrencies):

  Stoplight Prism  `prism mock` on bench/anchors/prism/openapi.yaml (static examples, no -d),
                   twice: with log level `error`, and with its default logging (`info`, a few
                   lines per request on stdout, drained here through a pipe) as users run it
  Mockoon CLI      `mockoon-cli start` on bench/anchors/mockoon/environment.json
  WireMock         the standalone jar that the npm package `wiremock` ships, `java -jar`,
                   with bench/anchors/wiremock/mappings/

Requests: GET /v2/user/get_info with `Authorization: NVX <hash>` and POST /v2/user/auth with
JSON {login, password}, exactly as the throughput phase sends them to the fake. The fake's own
figures come from that phase on the default server (mockserver.serving.DEFAULT, what
`mockserver serve` runs); if it did not run, the fake is measured here first, so every ratio is
from one run.

The npm tools are installed on demand, once, with `npm ci` from the exact versions and lock
files committed under bench/anchors/<tool>/ into bench/.anchors/<tool>/ (gitignored): that
install is the only step that reaches outside this machine. All traffic goes to 127.0.0.1;
each server is started as a child here and stopped by its PID (SIGTERM, SIGKILL on a hang).
An anchor that cannot be installed or started is recorded as skipped, with the reason.
"""
from __future__ import annotations

import filecmp
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from common import BENCH, HOST, OWNER, Child, Http, child_env, free_port

from mockserver.serving import DEFAULT

CONFIGS = BENCH / "anchors"  # committed: package.json + lock per tool, the stub files
CACHE = BENCH / ".anchors"  # gitignored: the npm installs (and a HOME for Mockoon's log folder)

# The fake's answers for the default fixture's owner (byte for byte what it sends, bar the hash);
# the stub files under bench/anchors/ hold the same bodies, and each anchor's answers are
# checked against these before it is measured.
AUTH_HASH = "dc90406704dfdaf23393e53b2821b61d"
GET_INFO_BODY = {
    "features": [], "paas_id": 1, "paas_settings": {}, "premium_gis": False, "success": True,
    "tariff_restrictions": {"allowed_maps": ["roadmap", "osm"]},
    "user_info": {"balance": 0.0, "bonus": 0.0, "creation_date": "2024-03-01 09:00:00",
                  "demo": False, "first_name": "Olivia", "id": 10001, "last_name": "Owner",
                  "legal_type": "individual", "locale": "en_US", "login": "owner@example.com",
                  "measurement_system": "metric", "time_zone": "UTC", "title": "Owner Example",
                  "verified": True},
    "user_menu": {}}
AUTH_BODY = {"hash": AUTH_HASH, "success": True, "type": "authenticated"}
ENDPOINTS = ("user/get_info", "user/auth")

INSTALL_NODE = "apt-get install -y nodejs npm"
INSTALL_JAVA = "apt-get install -y default-jre-headless"


@dataclass
class Anchor:
    name: str  # as the report names it
    key: str  # folder under bench/anchors/ and bench/.anchors/
    package: str  # the npm package pinned in bench/anchors/<key>/package.json
    runtime: str  # "node" or "java"
    settings: str  # what is not a default, and why
    family: str = ""  # the mock the target compares with (ISSUE_CONTEXT_RPS in report.py)
    variant: str = ""  # which way of running it, when one mock is measured more than one way
    drain_stdout: bool = False  # stdout to a pipe read here (logs as users see them), not a file

    def __post_init__(self) -> None:
        self.family = self.family or self.name

    def version(self) -> str:
        deps = json.loads((CONFIGS / self.key / "package.json").read_text())["dependencies"]
        return deps[self.package]

    def installed(self) -> Path:
        return CACHE / self.key / "node_modules"

    def command(self, port: int) -> list[str]:
        mods, cfg = self.installed(), CONFIGS / self.key
        if self.key == "prism":
            quiet = [] if self.drain_stdout else ["-v", "error"]  # default: -v info
            return [str(mods / ".bin" / "prism"), "mock", "-h", HOST, "-p", str(port),
                    *quiet, str(cfg / "openapi.yaml")]
        if self.key == "mockoon":
            return [str(mods / ".bin" / "mockoon-cli"), "start", "-d", str(cfg / "environment.json"),
                    "-p", str(port), "-l", HOST, "--disable-log-to-file", "--disable-admin-api"]
        if self.key == "wiremock":
            jars = sorted((mods / "wiremock" / "build").glob("wiremock-standalone-*.jar"))
            if not jars:
                raise RuntimeError(f"no wiremock-standalone jar under {mods / 'wiremock' / 'build'}")
            root = CACHE / self.key / "root"  # a copy: WireMock adds __files/ to its root dir
            shutil.copytree(cfg / "mappings", root / "mappings", dirs_exist_ok=True)
            return ["java", "-jar", str(jars[-1]), "--port", str(port), "--bind-address", HOST,
                    "--root-dir", str(root), "--no-request-journal", "--disable-banner"]
        raise ValueError(self.key)


ANCHORS = (
    Anchor("Stoplight Prism", "prism", "@stoplight/prism-cli", "node",
           "`prism mock` (static examples), log level `error` (its default `info` logs every "
           "request)", variant="log level error"),
    Anchor("Stoplight Prism (default logging)", "prism", "@stoplight/prism-cli", "node",
           "`prism mock` (static examples) with its default logging (`info`: lines per request "
           "on stdout, which the harness reads from a pipe as fast as they come, so it never "
           "blocks), as users run it", family="Stoplight Prism", variant="default logging",
           drain_stdout=True),
    Anchor("Mockoon", "mockoon", "@mockoon/cli", "node",
           "`mockoon-cli start --disable-log-to-file --disable-admin-api`, templating off on both "
           "responses (static bodies); NODE_ENV=production"),
    Anchor("WireMock", "wiremock", "wiremock", "java",
           "standalone jar from the npm package, `java -jar ... --no-request-journal` (no "
           "journal: WireMock's advice for load tests); JVM defaults"),
)


class QuietChild(Child):
    """A Child whose stdout goes to a temporary file, not a pipe: these servers log per request
    (Mockoon on every one), and a pipe nobody reads would fill and stall them. With drain=True
    stdout is a pipe instead, read here by a thread as fast as it is written (the pipe never
    fills; only the tail and a byte/line count are kept), like a terminal a user watches.
    Stopped by Child.stop (its PID, SIGTERM, SIGKILL on a hang)."""

    def __init__(self, cmd: list[str], *, cwd: Path, env: dict,  # noqa: D107
                 drain: bool = False) -> None:
        self.cmd = cmd
        self._err = tempfile.TemporaryFile()
        self._out = None if drain else tempfile.TemporaryFile()
        self._tail: deque[bytes] = deque(maxlen=8)
        self.out_bytes = self.out_lines = 0
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE if drain else self._out,
                                     stderr=self._err)
        self.pid = self.proc.pid
        self._drainer = None
        if drain:
            self._drainer = threading.Thread(target=self._drain, daemon=True)
            self._drainer.start()

    def _drain(self) -> None:
        """Until EOF (the child exits): read whatever is there, keep the count and the tail."""
        fd = self.proc.stdout.fileno()
        for _ in range(10**9):  # bounded; EOF ends it
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            self.out_bytes += len(chunk)
            self.out_lines += chunk.count(b"\n")
            self._tail.append(chunk[-600:])

    def output(self, limit: int = 600) -> str:
        """The tail of stdout and stderr together (for a skip reason)."""
        text = [b"".join(self._tail).decode(errors="replace")] if self._out is None else []
        for fh in (self._out, self._err):
            if fh is None:
                continue
            try:
                fh.seek(0, os.SEEK_END)
                size = fh.tell()
                fh.seek(max(0, size - limit))
                text.append(fh.read().decode(errors="replace"))
            except (OSError, ValueError):
                pass
        return " ".join(" ".join(text).split())[-limit:]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> dict:
        pipe = self.proc.stdout if self._drainer is not None else None
        if pipe is not None:
            self.proc.stdout = None  # closed below, once the reader has seen EOF
        r = super().stop(sig, timeout)
        if pipe is not None:
            self._drainer.join(5)
            pipe.close()
        if self._out is not None:
            self._out.close()
        return r


# --- install -----------------------------------------------------------------------------------

def _tool_missing(anchor: Anchor) -> str | None:
    """Why this anchor cannot run here (a missing runtime), with the command that installs it."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return f"Node.js/npm not found (install: `{INSTALL_NODE}`)"
    if anchor.runtime == "java":
        java = shutil.which("java")
        ok = False
        if java:
            try:
                ok = subprocess.run([java, "-version"], capture_output=True, timeout=30).returncode == 0
            except (OSError, subprocess.SubprocessError):
                ok = False
        if not ok:
            return f"no Java runtime (`java` not found or not working; install: `{INSTALL_JAVA}`)"
    return None


def _is_installed(anchor: Anchor) -> bool:
    target = CACHE / anchor.key
    pkg = anchor.installed() / anchor.package / "package.json"
    try:
        same_lock = filecmp.cmp(CONFIGS / anchor.key / "package-lock.json",
                                target / "package-lock.json", shallow=False)
        return same_lock and json.loads(pkg.read_text())["version"] == anchor.version()
    except (OSError, ValueError, KeyError):
        return False


def install(anchor: Anchor, timeout: float, log=print) -> tuple[bool, str]:
    """`npm ci` of the pinned version into bench/.anchors/<key>/, unless already there.
    Returns (ok, what happened or why not)."""
    if _is_installed(anchor):
        return True, "cached in bench/.anchors/"
    target = CACHE / anchor.key
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        if (CONFIGS / anchor.key / name).exists():
            shutil.copyfile(CONFIGS / anchor.key / name, target / name)
    has_lock = (target / "package-lock.json").exists()
    cmd = ["npm", "ci" if has_lock else "install", "--no-audit", "--no-fund", "--loglevel=error"]
    log(f"  installing {anchor.package}@{anchor.version()} into {os.path.relpath(target, BENCH.parent)} "
        f"(npm, bounded to {timeout:.0f} s)")
    env = {**os.environ, "npm_config_update_notifier": "false"}
    t0 = time.perf_counter()
    try:
        out = subprocess.run(cmd, cwd=target, env=env, capture_output=True, text=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"`npm ci` of {anchor.package}@{anchor.version()} took over {timeout:.0f} s"
    except OSError as exc:
        return False, f"`npm` could not run: {exc}"
    if out.returncode != 0 or not _is_installed(anchor):
        text = (out.stderr or out.stdout or "").splitlines()
        errs = [line for line in text if line.startswith("npm error")][:3] or text[-3:]
        tail = " ".join(" ".join(errs).split())[:300]
        return False, f"`npm ci` of {anchor.package}@{anchor.version()} failed: {tail}"
    return True, f"installed in {time.perf_counter() - t0:.0f} s"


# --- start and check ---------------------------------------------------------------------------

def _get(port: int, method: str, path: str, body: dict | None, headers: dict,
         timeout: float = 5.0) -> tuple[int, object]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        data = None if body is None else json.dumps(body).encode()
        hdrs = dict(headers)
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read()
        try:
            return resp.status, json.loads(raw) if raw else None
        except ValueError:
            return resp.status, raw[:200]
    finally:
        conn.close()


GET_INFO_HEADERS = {"Authorization": f"NVX {AUTH_HASH}"}


def start(anchor: Anchor, timeout: float) -> tuple[QuietChild, int, float]:
    """Spawn the anchor on a free port; return it, the port and spawn -> first 200 from get_info
    (polled every 10 ms, within timeout seconds). On failure it is stopped and the error raised."""
    port = free_port()
    env = child_env()
    env["HOME"] = str(CACHE / "home")  # Mockoon makes ~/.mockoon-cli/logs: keep it in the cache
    (CACHE / "home").mkdir(parents=True, exist_ok=True)
    env["NO_UPDATE_NOTIFIER"] = "1"
    if anchor.runtime == "node":
        env["NODE_ENV"] = "production"
    child = QuietChild(anchor.command(port), cwd=CACHE / anchor.key, env=env,
                       drain=anchor.drain_stdout)
    deadline = time.monotonic() + timeout
    last = "no answer"
    for _ in range(100_000):  # bounded; the deadline ends it first
        if child.proc.poll() is not None:
            out = child.output()
            child.stop()
            raise RuntimeError(f"exited {child.proc.returncode} before answering: {out}")
        try:
            status, _ = _get(port, "GET", "/v2/user/get_info", None, GET_INFO_HEADERS, 2.0)
            if status == 200:
                return child, port, time.perf_counter() - child.t_spawn
            last = f"HTTP {status}"
        except OSError as exc:
            last = type(exc).__name__
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)
    out = child.output()
    child.stop()
    raise RuntimeError(f"no 200 from get_info within {timeout:.0f} s (last: {last}): {out}")


def check_answers(port: int) -> list[str]:
    """Differences between the anchor's answers and the fake's (parsed JSON; empty = same)."""
    diffs = []
    status, body = _get(port, "GET", "/v2/user/get_info", None, GET_INFO_HEADERS)
    if status != 200 or body != GET_INFO_BODY:
        diffs.append(f"get_info: HTTP {status} {str(body)[:120]}")
    status, body = _get(port, "POST", "/v2/user/auth",
                        {"login": OWNER[0], "password": OWNER[1]}, {})
    if status != 200 or body != AUTH_BODY:
        diffs.append(f"user/auth: HTTP {status} {str(body)[:120]}")
    return diffs


# --- measure -----------------------------------------------------------------------------------

def _points(gen, port: int, hash_: str, concs, seconds: float, label: str, log) -> dict:
    """A 1 s wrk warm-up per endpoint (JIT runtimes need it; the fake gets the same when it is
    measured here), then every endpoint at every concurrency, in the throughput phase's order."""
    from throughput import _log_point, request_for
    for ep in ENDPOINTS:
        gen.run(port, request_for(ep, hash_), 16, 1.0)
    out = {}
    for c in concs:
        for ep in ENDPOINTS:
            r = out[f"{ep}@{c}"] = gen.run(port, request_for(ep, hash_), c, seconds)
            _log_point(log, label[:8], ep, c, r)
    return out


def _fake(gen, plan, res: dict, concs, log, server: str = DEFAULT) -> dict:
    """The fake's figures: from the throughput phase on the default server if it has every
    point, else measured here on it (what `mockserver serve` runs) with the same warm-up as the
    anchors."""
    tp = res.get("throughput", {}).get(server)
    wanted = [f"{ep}@{c}" for c in concs for ep in ENDPOINTS]
    st = res.get("startup", {}).get(server, {}).get("mock", {})
    if tp and all(k in tp["mock"] for k in wanted):
        return {"server": server,
                "source": f"the throughput phase ({server}, the default server), earlier in this run",
                "points": {k: tp["mock"][k] for k in wanted}, "rss_mib": tp.get("mock_rss_mib"),
                "startup_s": st.get("first_200_s"),
                "startup_note": "spawn -> login -> first get_info 200 (start-up phase)"}
    from servers import launch
    log(f"  anchors: the throughput phase has no {server} figures for both calls: measuring "
        "the fake here")
    child, port, _ = launch(server, "mock")
    try:
        http_ = Http(port).connect()
        hash_ = http_.login(OWNER)
        status, _, _ = http_.call("GET", "/v2/user/get_info", None, {"Authorization": f"NVX {hash_}"})
        first_200 = time.perf_counter() - child.t_spawn
        http_.close()
        if status != 200:
            raise RuntimeError(f"the fake's get_info answered {status}")
        points = _points(gen, port, hash_, concs, plan.seconds, "fake", log)
        rss = child.rss_kib() / 1024
    finally:
        stop = child.stop()
    return {"server": server,
            "source": f"measured in the anchors phase ({server}, the default server; the "
                      "throughput phase did not measure it)",
            "points": points, "rss_mib": rss, "startup_s": st.get("first_200_s") or first_200,
            "startup_note": "spawn -> login -> first get_info 200", "stop": stop}


def run(gen, plan, res: dict, smoke: bool, log=print) -> dict:
    """Measure the anchors; never raises for one anchor's failure (it is recorded as skipped)."""
    points = plan.points.get(DEFAULT, {})
    concs = sorted(set(points.get("user/get_info", (16,))) | set(points.get("user/auth", (16,))))
    out: dict = {"concurrencies": concs, "seconds": plan.seconds, "mocks": {}, "skipped": {}}
    log(f"anchors: other mocks, GET get_info and POST user/auth at c={'/'.join(map(str, concs))}, "
        f"{plan.seconds:g} s per point")
    out["fake"] = _fake(gen, plan, res, concs, log)
    for anchor in ANCHORS:
        entry = {"version": anchor.version(), "package": anchor.package,
                 "settings": anchor.settings, "family": anchor.family,
                 "variant": anchor.variant or None}
        why = _tool_missing(anchor)
        if why is None:
            ok, what = install(anchor, 180.0 if smoke else 300.0, log)
            entry["install"] = what
            why = None if ok else what
        if why is not None:
            out["skipped"][anchor.name] = entry | {"reason": why}
            log(f"  {anchor.name}: skipped: {why}")
            continue
        try:
            child, port, first_200 = start(anchor, 60.0)
        except Exception as exc:  # noqa: BLE001 - recorded as a skip, the run goes on
            out["skipped"][anchor.name] = entry | {"reason": f"did not start: {str(exc)[:500]}"}
            log(f"  {anchor.name}: skipped: did not start: {str(exc)[:300]}")
            continue
        try:
            entry["startup_s"] = first_200
            entry["answer_diffs"] = check_answers(port)
            log(f"  {anchor.name} {entry['version']}: first 200 after {first_200 * 1000:.0f} ms; "
                f"answers {'as the fake' if not entry['answer_diffs'] else entry['answer_diffs']}")
            label = "prismlog" if anchor.drain_stdout else anchor.key  # 8 characters in the log
            entry["points"] = _points(gen, port, AUTH_HASH, concs, plan.seconds, label, log)
            entry["rss_mib"] = child.rss_kib() / 1024
            if anchor.drain_stdout:
                entry["stdout"] = {"bytes": child.out_bytes, "lines": child.out_lines,
                                   "tail": child.output(300)}
        except Exception as exc:  # noqa: BLE001
            out["skipped"][anchor.name] = entry | {"reason": f"failed while measured: {str(exc)[:500]}"}
            log(f"  {anchor.name}: failed while measured: {str(exc)[:300]}")
            continue
        finally:
            entry["stop"] = child.stop()
        out["mocks"][anchor.name] = entry
    return out
