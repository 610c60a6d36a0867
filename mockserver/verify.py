"""`mockserver verify`: run one fixed scenario against a Navixy server and against this fake, diff.

For each step it compares the HTTP status, `success`, `status.code` and the JSON shape of the
body (keys and JSON types, recursively; a list by its first item; never values). Exit 0 when
every step matches, 1 on any difference, 2 on a usage or connection error.

The target runs first. The in-process fake is then built to the same account shape: one owner
with the given login and password, no API keys, and as many IoT Logic flows as the target's
`flow/list` returned (2 when the target's list failed; at most MAX_FAKE_FLOWS), with the listed
titles, descriptions and `enabled` flags copied where they are valid fixture values, so a nullable
field is null on both sides. The fake is served over real HTTP (waitress on 127.0.0.1, port 0, in
a thread), so both sides go through the same client code and an HTTP stack.

Nothing secret is printed in full: logins, passwords, session hashes and key hashes are cut to
their first 4 characters plus "…", in stdout, the Markdown report and the JSON file alike.

Only the function that builds the fake imports Flask (through mockserver.app).
"""
from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

KEY_LIMIT = 20  # the fake's (and Navixy's) per-account API key limit
DEFAULT_FLOWS = 2  # flows in the fake when the target's flow/list gives no count
MAX_FAKE_FLOWS = 100
KEY_TITLE = "mockserver-verify"
MALFORMED_HASH = "not-a-hash"
HEX32 = re.compile(r"[0-9a-fA-F]{32}")


class VerifyError(Exception):
    """A usage or connection problem: exit 2."""


# ---------------------------------------------------------------- redaction

def redact(value: str) -> str:
    return value[:4] + "…" if value else value


class Redactor:
    """Knows every secret seen in a run and scrubs them (and any 32-hex run) from text."""

    def __init__(self, *secrets_: str) -> None:
        self._secrets: set[str] = set()
        for value in secrets_:
            self.add(value)

    def add(self, value) -> None:
        # Short values are skipped: a 6-character password such as "string" would otherwise
        # mangle the shape words. Nothing writes a credential out anyway; this is a safety net.
        if isinstance(value, str) and len(value) >= 8:
            self._secrets.add(value)

    def __call__(self, text: str) -> str:
        for value in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(value, redact(value))
        return HEX32.sub(lambda m: redact(m.group(0)), text)


# ---------------------------------------------------------------- shapes

def json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def shape(value):
    """Keys and JSON types, recursively; a list is described by its first item; no values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return json_type(value)


def _kind(s) -> str:
    if isinstance(s, dict):
        return "object"
    if isinstance(s, list):
        return "array"
    return s


def shape_differences(fake, target, path: str = "$") -> list[str]:
    """Human-readable differences between two shapes, each naming a JSON path."""
    if isinstance(fake, dict) and isinstance(target, dict):
        out: list[str] = []
        for key in sorted(set(fake) | set(target)):
            sub = f"{path}.{key}"
            if key not in target:
                out.append(f"{sub}: only in fake ({_kind(fake[key])})")
            elif key not in fake:
                out.append(f"{sub}: only in target ({_kind(target[key])})")
            else:
                out.extend(shape_differences(fake[key], target[key], sub))
        return out
    if isinstance(fake, list) and isinstance(target, list):
        if not fake and not target:
            return []
        if not fake or not target:
            return [f"{path}: empty list in {'fake' if not fake else 'target'} only"]
        return shape_differences(fake[0], target[0], f"{path}[0]")
    if fake != target:
        return [f"{path}: {_kind(fake)} in fake, {_kind(target)} in target"]
    return []


# ---------------------------------------------------------------- HTTP

@dataclass
class Outcome:
    """What one step observed on one side. `body` stays in memory only (never written out)."""
    http: int | None = None
    success: object = None
    code: int | None = None
    shape: object = None
    body: object = None
    note: str = ""  # e.g. "skipped: no session", "not JSON"

    @property
    def ran(self) -> bool:
        return self.http is not None

    def summary(self) -> str:
        if not self.ran:
            return self.note or "skipped"
        text = f"{self.http} " + ("ok" if self.success is True else f"code {self.code}")
        return text + (f" ({self.note})" if self.note else "")

    def to_json(self) -> dict:
        return {"http": self.http, "success": self.success, "code": self.code,
                "shape": self.shape, "note": self.note}


class Client:
    """POSTs JSON to one base URL. Connection problems raise VerifyError."""

    def __init__(self, base: str, timeout: float) -> None:
        self.base = normalise_base(base)
        self.timeout = timeout

    def call(self, path: str, **params) -> Outcome:
        data = json.dumps(params).encode("utf-8")
        request = urllib.request.Request(
            self.base + path, data=data, method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise VerifyError(f"cannot reach {display_url(self.base)}{path}: {reason}") from None
        try:
            body = json.loads(raw)
        except ValueError:
            return Outcome(http=status, shape="not JSON", note="not JSON")
        status_obj = body.get("status") if isinstance(body, dict) else None
        code = status_obj.get("code") if isinstance(status_obj, dict) else None
        success = body.get("success") if isinstance(body, dict) else None
        return Outcome(http=status, success=success, code=code, shape=shape(body), body=body)


def normalise_base(base: str) -> str:
    parsed = urllib.parse.urlsplit(base)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise VerifyError(f"--url must be an http(s) URL, got {display_url(base)!r}")
    base = base.rstrip("/")
    # Navixy's own docs give the base with /v2; the scenario's paths start with /v2.
    return base[:-3] if base.endswith("/v2") else base


def display_url(url: str) -> str:
    """The URL without user:password@ and without a query string."""
    parsed = urllib.parse.urlsplit(url)
    netloc = parsed.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parsed.scheme, netloc, parsed.path, "", ""))


# ---------------------------------------------------------------- the scenario

@dataclass
class Run:
    """One side's run: step name -> outcome, plus what it learned for building the fake."""
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    flows: list | None = None


def _key_hash(outcome: Outcome) -> str | None:
    """The hash of a key from an api/key/create answer ({"value": {"hash": ...}})."""
    body = outcome.body
    if isinstance(body, dict) and body.get("success") is True:
        value = body.get("value")
        if isinstance(value, dict) and isinstance(value.get("hash"), str):
            return value["hash"]
        if isinstance(value, str):
            return value
    return None


def run_scenario(client: Client, login: str, password: str, *, destructive: bool,
                 redactor: Redactor) -> Run:
    run = Run()
    steps = run.outcomes
    created: list[str] = []  # keys this run made and has not deleted yet
    session: str | None = None
    skipped = Outcome(note="skipped: no session")

    def authed(name: str, path: str, **params) -> Outcome:
        steps[name] = client.call(path, hash=session, **params) if session else skipped
        return steps[name]

    try:
        steps["login"] = client.call("/v2/user/auth", login=login, password=password)
        body = steps["login"].body
        if isinstance(body, dict) and body.get("success") is True and isinstance(body.get("hash"), str):
            session = body["hash"]
            redactor.add(session)

        authed("get_info", "/v2/user/get_info")

        made = authed("key_create", "/v2/api/key/create", title=KEY_TITLE)
        key = _key_hash(made)
        if key:
            redactor.add(key)
            created.append(key)
        authed("key_list", "/v2/api/key/list")
        # With no key of our own, a well-formed unknown one: the answer still shows the rules.
        outcome = authed("key_delete", "/v2/api/key/delete", key=key or secrets.token_hex(16))
        if key and outcome.success is True:
            created.remove(key)

        if destructive:
            _fill_to_limit(client, session, steps, created, redactor)

        flows = authed("flow_list", "/v2/iot/logic/flow/list")
        if isinstance(flows.body, dict) and flows.body.get("success") is True \
                and isinstance(flows.body.get("list"), list):
            run.flows = flows.body["list"]

        steps["hash_malformed"] = client.call("/v2/user/get_info", hash=MALFORMED_HASH)
        unknown = secrets.token_hex(16)
        redactor.add(unknown)
        steps["hash_unknown"] = client.call("/v2/user/get_info", hash=unknown)

        _cleanup(client, session, created)
        authed("logout", "/v2/user/logout")
        authed("reuse_after_logout", "/v2/user/get_info")
        session = None
    finally:
        if created and session:  # interrupted (e.g. a dropped connection): still tidy up
            try:
                _cleanup(client, session, created)
            except VerifyError:
                pass
    return run


def _fill_to_limit(client: Client, session: str | None, steps: dict, created: list[str],
                   redactor: Redactor) -> None:
    """key_fill: create keys up to the limit (the last create's answer is compared);
    key_over_limit: one more create, which must fail with 268; key_cleanup: delete them all."""
    if not session:
        for name in ("key_fill", "key_over_limit", "key_cleanup"):
            steps[name] = Outcome(note="skipped: no session")
        return
    listed = client.call("/v2/api/key/list", hash=session)
    existing = listed.body.get("list") if isinstance(listed.body, dict) else None
    have = len(existing) if isinstance(existing, list) else 0
    last = Outcome(note="nothing to create: already at the limit")
    for _ in range(max(KEY_LIMIT - have, 0)):
        last = client.call("/v2/api/key/create", hash=session, title=KEY_TITLE)
        key = _key_hash(last)
        if not key:
            break
        redactor.add(key)
        created.append(key)
    steps["key_fill"] = last
    over = client.call("/v2/api/key/create", hash=session, title=KEY_TITLE)
    key = _key_hash(over)
    if key:  # a target without the limit: remember the key so it is deleted too
        redactor.add(key)
        created.append(key)
    steps["key_over_limit"] = over
    steps["key_cleanup"] = _cleanup(client, session, created) or Outcome(note="nothing to delete")


def _cleanup(client: Client, session: str | None, created: list[str]) -> Outcome | None:
    """Deletes every key still in `created`; returns the last delete's outcome."""
    last = None
    for key in list(created):
        last = client.call("/v2/api/key/delete", hash=session, key=key)
        if last.success is True:
            created.remove(key)
    return last


STEP_ORDER = ["login", "get_info", "key_create", "key_list", "key_delete", "key_fill",
              "key_over_limit", "key_cleanup", "flow_list", "hash_malformed", "hash_unknown",
              "logout", "reuse_after_logout"]


# ---------------------------------------------------------------- the in-process fake

def fake_fixture(login: str, password: str, target_flows: list | None) -> dict:
    """One owner with this login/password, no keys, flows mirroring the target's list."""
    listed = target_flows if target_flows is not None else [{}] * DEFAULT_FLOWS
    flows = []
    for index, item in enumerate(listed[:MAX_FAKE_FLOWS]):
        item = item if isinstance(item, dict) else {}
        title = item.get("title")
        description = item.get("description")
        enabled = item.get("enabled")
        flows.append({
            "owner": login, "id": index + 1,
            "title": title if isinstance(title, str) and 0 < len(title) <= 255 else f"Flow {index + 1}",
            "description": description if description is None or isinstance(description, str) else None,
            "enabled": enabled if isinstance(enabled, bool) else False,
            "nodes": [{"id": 1, "type": "data_source", "data": {"title": "Vehicles", "source_ids": [1]}}],
            "edges": []})
    return {"users": [{"id": 1, "login": login, "password": password, "title": "Verify owner"}],
            "api_keys": [], "flows": flows}


class FakeServer:
    """create_app() on a fixture document, served by waitress on 127.0.0.1:0 in a thread."""

    def __init__(self, document: dict) -> None:
        import waitress

        from .app import create_app
        from .domain.world import World
        from .fixtures import FixtureError, parse_fixture

        try:
            world = World(parse_fixture(document))
        except FixtureError as exc:
            raise VerifyError(f"cannot build the in-process fake for this login: {exc}") from None
        self._server = waitress.create_server(create_app(world=world), host="127.0.0.1", port=0,
                                              threads=4)
        self.url = f"http://127.0.0.1:{self._server.effective_port}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mockserver-verify-fake", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # waitress' own run() loops forever; closing its sockets from another thread races the
        # select() (EBADF tracebacks). This loop checks a flag and closes in its own thread.
        from waitress import wasyncore

        server = self._server
        try:
            while not self._stopping.is_set():
                server.asyncore.loop(timeout=0.2, map=server._map, count=1,
                                     use_poll=server.adj.asyncore_use_poll)
        finally:
            server.task_dispatcher.shutdown()
            wasyncore.close_all(server._map)

    def close(self) -> None:
        self._stopping.set()
        self._server.pull_trigger()  # wake the select() at once
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------- comparison and output

def compare(fake: Outcome, target: Outcome) -> list[str]:
    out = []
    if fake.ran != target.ran:
        return [f"ran in {'fake' if fake.ran else 'target'} only: "
                f"{(target if fake.ran else fake).summary()}"]
    if not fake.ran:
        return []
    if fake.http != target.http:
        out.append(f"HTTP status: {fake.http} in fake, {target.http} in target")
    if fake.success != target.success:
        out.append(f"success: {json.dumps(fake.success)} in fake, {json.dumps(target.success)} in target")
    if fake.code != target.code:
        out.append(f"status.code: {json.dumps(fake.code)} in fake, {json.dumps(target.code)} in target")
    out.extend(f"shape {line}" for line in shape_differences(fake.shape, target.shape))
    return out


def build_rows(fake: Run, target: Run) -> list[dict]:
    rows = []
    for name in STEP_ORDER:
        if name not in fake.outcomes and name not in target.outcomes:
            continue
        f = fake.outcomes.get(name, Outcome(note="not run"))
        t = target.outcomes.get(name, Outcome(note="not run"))
        differences = compare(f, t)
        rows.append({"step": name, "fake": f, "target": t, "differences": differences,
                     "match": not differences})
    return rows


def table(rows: list[dict]) -> str:
    cells = [("step", "fake", "target", "match")] + [
        (r["step"], r["fake"].summary(), r["target"].summary(), "yes" if r["match"] else "NO")
        for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(4)).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in rows:
        for difference in r["differences"]:
            lines.append(f"  {r['step']}: {difference}")
    return "\n".join(lines)


def markdown(rows: list[dict], header: dict) -> str:
    different = [r for r in rows if not r["match"]]
    lines = ["# mockserver verify", "",
             f"- target: `{header['target']}`", f"- login: `{header['login']}`",
             f"- destructive: {header['destructive']}",
             f"- fake flows: {header['fake_flows']}",
             f"- result: {'no difference' if not different else f'{len(different)} step(s) differ'}",
             "", "| step | fake | target | match |", "|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['step']} | {r['fake'].summary()} | {r['target'].summary()} | "
                     f"{'yes' if r['match'] else '**NO**'} |")
    if different:
        lines += ["", "## Differences", ""]
        for r in different:
            lines += [f"- **{r['step']}**: {d}" for d in r["differences"]]
    return "\n".join(lines) + "\n"


def json_report(rows: list[dict], header: dict) -> dict:
    return {**header, "match": all(r["match"] for r in rows),
            "steps": [{"step": r["step"], "match": r["match"], "differences": r["differences"],
                       "fake": r["fake"].to_json(), "target": r["target"].to_json()} for r in rows]}


# ---------------------------------------------------------------- command line

def add_parser(commands) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "verify", help="compare a Navixy server with this fake on a fixed scenario",
        description="Runs a fixed scenario against --url and against an in-process fake with "
                    "the same account shape and diffs HTTP status, success, status.code and the "
                    "JSON shape of each answer. Exit 0: no difference; 1: differences; "
                    "2: usage or connection error.")
    parser.add_argument("--url", required=True, help="base URL of the server to check (…/v2 optional)")
    parser.add_argument("--login", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--report", metavar="FILE.md", help="also write a Markdown report")
    parser.add_argument("--json", metavar="FILE", help="also write the result as JSON")
    parser.add_argument("--destructive", action="store_true",
                        help="also create keys up to the 20-key limit, try a 21st, delete them")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request (10)")
    return parser


def command(args) -> int:
    redactor = Redactor(args.login, args.password)
    try:
        return _verify(args, redactor)
    except VerifyError as exc:
        print(f"mockserver verify: {redactor(str(exc))}", file=sys.stderr)
        return 2


def _verify(args, redactor: Redactor) -> int:
    if not args.login or not args.password:
        raise VerifyError("--login and --password must not be empty")
    if args.timeout <= 0:
        raise VerifyError("--timeout must be positive")
    target_client = Client(args.url, args.timeout)
    target = run_scenario(target_client, args.login, args.password,
                          destructive=args.destructive, redactor=redactor)
    document = fake_fixture(args.login, args.password, target.flows)
    with FakeServer(document) as server:
        fake = run_scenario(Client(server.url, args.timeout), args.login, args.password,
                            destructive=args.destructive, redactor=redactor)
    rows = build_rows(fake, target)
    header = {"target": display_url(target_client.base), "login": redact(args.login),
              "destructive": bool(args.destructive), "fake_flows": len(document["flows"])}
    print(redactor(table(rows)))
    different = [r["step"] for r in rows if not r["match"]]
    print(redactor("no difference" if not different else
                   f"{len(different)} step(s) differ: {', '.join(different)}"))
    try:
        if args.report:
            with open(args.report, "w", encoding="utf-8") as out:
                out.write(redactor(markdown(rows, header)))
        if args.json:
            with open(args.json, "w", encoding="utf-8") as out:
                out.write(redactor(json.dumps(json_report(rows, header), indent=2, ensure_ascii=False)) + "\n")
    except OSError as exc:
        raise VerifyError(f"cannot write the report: {exc}") from None
    return 1 if different else 0
