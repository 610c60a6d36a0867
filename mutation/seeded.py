"""Seeded rule bugs: each one is a small textual patch applied to a throw-away copy of the repo.

For every seed: copy the repo (no .venv/.git/caches) to a temp dir, apply the patch there, run
the fast tests with that dir as cwd and PYTHONPATH, and record

  killed    the tests failed: the suite notices the bug
  survived  the tests passed: a gap in the suite
  timeout   the run took longer than --timeout seconds (counted as killed, shown apart)
  error     a patch's old text was not found exactly once: the harness is stale, not the suite

The real tree is never written, except mutation/RESULTS.md (--no-write skips that).
Exit status: 0 if every seed was killed, 1 if any survived, 2 on any harness error.

    python mutation/seeded.py                 # all seeds
    python mutation/seeded.py -k logout -k 268  # seeds whose name contains a word
    python mutation/seeded.py --list
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "mutation" / "RESULTS.md"
TEST_ARGS = ["-m", "pytest", "tests/unit", "tests/api", "tests/control",
             "-x", "-q", "-p", "no:cacheprovider"]
IGNORE = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".hypothesis",
                                ".schemathesis", ".pytest_cache", "mutants", "reports", "out")


@dataclass(frozen=True)
class Patch:
    file: str
    old: str
    new: str


@dataclass(frozen=True)
class Seed:
    name: str
    description: str
    patches: tuple[Patch, ...]


def seed(name: str, description: str, *patches: tuple[str, str, str]) -> Seed:
    return Seed(name, description, tuple(Patch(*p) for p in patches))


SESSIONS = "mockserver/domain/sessions.py"
KEYS = "mockserver/domain/keys.py"
FLOWS = "mockserver/domain/flows.py"
ERRORS = "mockserver/domain/errors.py"
CLOCK = "mockserver/domain/clock.py"
STATUSES = "mockserver/web/statuses.py"
RPC = "mockserver/web/rpc.py"
CREDENTIALS = "mockserver/web/credentials.py"

# The count check moved out of the lock: computed before `with store.lock`, tested inside it.
KEY_CHECK_OUTSIDE_LOCK = (
    (KEYS, "    with store.lock:  # check and insert under one lock",
     "    over = len(store.keys_of(principal.account_id)) >= MAX_KEYS_PER_ACCOUNT\n"
     "    with store.lock:  # seeded: check outside the lock"),
    (KEYS, "        if len(store.keys_of(principal.account_id)) >= MAX_KEYS_PER_ACCOUNT:",
     "        if over:"),
)
# web/rpc.py holds the world's lock for the whole call; this releases it.
RPC_UNLOCKED = (RPC, "        with world.store.lock:\n            principal = None",
                "        if True:  # seeded: no lock\n            principal = None")

SEEDS: list[Seed] = [
    # --- API keys -----------------------------------------------------------------------
    seed("key-limit-off-by-one", "the 20-key limit lets a 21st key in (>= 20 -> > 20)",
         (KEYS, "len(store.keys_of(principal.account_id)) >= MAX_KEYS_PER_ACCOUNT",
          "len(store.keys_of(principal.account_id)) > MAX_KEYS_PER_ACCOUNT")),
    seed("key-limit-outside-lock", "domain: the 20-key count check moved out of `with store.lock`"
         " (web/rpc.py still locks the whole call)", *KEY_CHECK_OUTSIDE_LOCK),
    seed("key-limit-outside-lock+rpc-unlocked", "both: count check outside the domain lock AND "
         "web/rpc.py's view no longer holds the lock for the call",
         *KEY_CHECK_OUTSIDE_LOCK, RPC_UNLOCKED),
    seed("rpc-unlocked", "web/rpc.py's view no longer holds the lock for the call "
         "(domain rules still lock)", RPC_UNLOCKED),
    seed("owner-check-dropped", "a sub-user may create/list/delete the account's API keys",
         (KEYS, "    if not principal.user.is_owner:\n", "    if False:\n")),
    seed("cross-account-key-delete", "deleting another account's key is allowed",
         (KEYS, "if key is None or key.owner_id != principal.account_id:", "if key is None:")),
    seed("key-delete-noop", "key delete answers success but leaves the key usable",
         (KEYS, "        store.remove_key(key_hash)", "        pass")),
    seed("key-limit-fixed-account", "the quota counts account 1's keys, whoever the caller is",
         (KEYS, "len(store.keys_of(principal.account_id))", "len(store.keys_of(1))")),
    # --- sessions -----------------------------------------------------------------------
    seed("password-keeps-sessions", "a password change no longer ends the user's sessions",
         (SESSIONS, "for session in store.remove_sessions_of(user.id):", "for session in []:")),
    seed("password-ends-only-callers-session", "a password change ends the caller's session "
         "only; the user's other sessions live on",
         (SESSIONS, "for session in store.remove_sessions_of(user.id):",
          "for session in [s for s in [store.remove_session(principal.hash)] if s]:")),
    seed("password-kills-keys", "a password change also revokes the account's API keys",
         (SESSIONS, "        store.add_user(user)\n",
          "        store.add_user(user)\n"
          "        for key in store.keys_of(user.account_id):\n"
          "            store.remove_key(key.hash)\n")),
    seed("password-wrong-old-accepted", "user/password/set no longer checks old_password (248)",
         (SESSIONS, "if not _same(user.password, old_password):", "if False:")),
    seed("password-same-accepted", "a new password equal to the old one is accepted (no 245)",
         (SESSIONS, "if new_password == old_password:", "if False:")),
    seed("logout-kills-all-sessions", "logout ends every session of the user, not just this one",
         (SESSIONS, "world.store.remove_session(principal.hash)\n",
          "world.store.remove_sessions_of(principal.user.id)\n")),
    seed("logout-noop", "logout leaves the session alive",
         (SESSIONS, "world.store.remove_session(principal.hash)\n", "pass\n")),
    seed("expiry-29-days", "sessions expire after 29 idle days instead of 30",
         (SESSIONS, "SESSION_IDLE_LIMIT = 30 * 24 * 3600", "SESSION_IDLE_LIMIT = 29 * 24 * 3600")),
    seed("expiry-never", "idle sessions never expire",
         (SESSIONS, "return now - session.last_used >= SESSION_IDLE_LIMIT", "return False")),
    seed("expiry-boundary", "a session idle exactly 30 days is still accepted (>= -> >)",
         (SESSIONS, "return now - session.last_used >= SESSION_IDLE_LIMIT",
          "return now - session.last_used > SESSION_IDLE_LIMIT")),
    seed("expiry-keeps-session", "an expired session is refused but not removed, so a clock set "
         "back revives it",
         (SESSIONS, "                store.remove_session(credential)\n", "")),
    seed("refresh-on-use-dropped", "using a session no longer refreshes its idle timer",
         (SESSIONS, "            session.last_used = now\n", "")),
    seed("sessions-only-dropped", "an API key is accepted where only a session will do "
         "(logout, renew, password, keys)",
         (SESSIONS, "if key is not None and not sessions_only:", "if key is not None:")),
    seed("upper-case-hash-accepted", "credential lookup is case-insensitive: an upper-cased "
         "copy of a hash works",
         (SESSIONS, "        raise _denied(world, errors.WrongHash(), credential, sessions_only)\n",
          "        raise _denied(world, errors.WrongHash(), credential, sessions_only)\n"
          "    credential = credential.lower()\n")),
    seed("dealer-mismatch-ignored", "user/auth ignores a dealer_id mismatch",
         (SESSIONS, "dealer_id is not None and dealer_id != user.dealer_id", "False")),
    seed("inactive-user-logs-in", "a user that is not activated gets a session (no 103)",
         (SESSIONS, "if not user.activated:", "if False:")),
    # --- error codes and HTTP statuses ----------------------------------------------------
    seed("codes-3-4-swapped", "Wrong hash is code 4 and session-not-found is code 3",
         (ERRORS, 'code, description = 3, "Wrong hash"', 'code, description = 4, "Wrong hash"'),
         (ERRORS, 'code, description = 4, "User or API key', 'code, description = 3, "User or API key')),
    seed("status-268-400", "over quota (268) answers HTTP 400 instead of 402",
         (STATUSES, "268: 402", "268: 400")),
    seed("iot-4-is-400", "IoT Logic answers code 4 with HTTP 400 instead of 401",
         (STATUSES, "IOT_STATUS = {**PLATFORM_STATUS, 4: 401, 201: 404}",
          "IOT_STATUS = {**PLATFORM_STATUS, 201: 404}")),
    seed("credential-header-first", "the Authorization header wins over a body/query hash",
         (CREDENTIALS, '    body = request_body()\n    if "hash" in body:',
          '    body = request_body()\n    if request.headers.get("Authorization"):\n'
          '        return request.headers["Authorization"].partition(" ")[2]\n    if "hash" in body:')),
    # --- IoT Logic flows ----------------------------------------------------------------
    seed("subuser-flows-by-user-id", "flows are scoped to the user id, so a sub-user loses its "
         "master's flows",
         (FLOWS, "    return world.store.flows_of(principal.account_id)",
          "    return world.store.flows_of(principal.user.id)"),
         (FLOWS, "flow.owner_id != principal.account_id", "flow.owner_id != principal.user.id")),
    seed("flow-owner-check-dropped", "another account's flow can be read, updated, deleted",
         (FLOWS, "if flow is None or flow.owner_id != principal.account_id:", "if flow is None:")),
    seed("flow-update-skips-graph-check", "flow/update accepts an invalid graph (no 292)",
         (FLOWS, "        _check_graph(draft[\"nodes\"], draft[\"edges\"])\n"
                 "        # Records are shared", "        # Records are shared")),
    seed("flow-self-loop-allowed", "an edge from a node to itself is accepted",
         (FLOWS, 'if edge["from"] == edge["to"]:', "if False:")),
    # --- clock --------------------------------------------------------------------------
    seed("clock-advance-unchecked", "advancing the clock past 9999-12-31 is not refused",
         (CLOCK, "        target = self.now() + seconds\n        _check_range(target)\n", "")),
]


SOURCE = ROOT  # main() points this at a snapshot, so edits to the tree mid-run do not leak in


def copy_repo(dest: Path) -> Path:
    target = dest / "repo"
    shutil.copytree(SOURCE, target, ignore=IGNORE)
    return target


def apply(repo: Path, patches: tuple[Patch, ...]) -> str | None:
    """Apply patches in order; the reason if one's old text is not there exactly once."""
    for patch in patches:
        path = repo / patch.file
        text = path.read_text(encoding="utf-8")
        count = text.count(patch.old)
        if count != 1:
            return f"{patch.file}: old text found {count} times: {patch.old.splitlines()[0]!r}"
        path.write_text(text.replace(patch.old, patch.new), encoding="utf-8")
    return None


def env_for(repo: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(repo)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def check_isolation(repo: Path) -> None:
    """The copy, not the real tree (an editable install points there), must be what imports."""
    out = subprocess.run([sys.executable, "-c", "import mockserver; print(mockserver.__file__)"],
                         cwd=repo, env=env_for(repo), capture_output=True, text=True, timeout=60)
    imported = Path(out.stdout.strip()).resolve()
    if repo.resolve() not in imported.parents:
        raise SystemExit(f"isolation broken: the copy imports mockserver from {imported or out.stderr}")


def run_tests(repo: Path, timeout: float) -> tuple[str, float, str]:
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, *TEST_ARGS], cwd=repo, env=env_for(repo),
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started, f"no result within {timeout:.0f} s"
    elapsed = time.monotonic() - started
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode == 0:
        return "survived", elapsed, lines[-1] if lines else ""
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    return "killed", elapsed, (failed[0] if failed else (lines[-1] if lines else proc.stderr[-200:]))


def run_seed(s: Seed, timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="seeded-") as tmp:
        repo = copy_repo(Path(tmp))
        problem = apply(repo, s.patches)
        if problem is not None:
            return {"seed": s, "result": "error", "seconds": 0.0, "detail": problem}
        result, seconds, detail = run_tests(repo, timeout)
        return {"seed": s, "result": result, "seconds": seconds, "detail": detail}


def baseline(timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="seeded-base-") as tmp:
        repo = copy_repo(Path(tmp))
        check_isolation(repo)
        result, seconds, detail = run_tests(repo, 3 * timeout)  # no -x shortcut here
    print(f"baseline (no seed): {'passed' if result == 'survived' else result} in {seconds:.1f} s")
    if result != "survived":
        raise SystemExit(f"the unmutated copy does not pass the fast tests: {detail}")


def table(rows: list[dict]) -> str:
    out = ["| # | seed | files | bug | result | s | first failing test / note |",
           "|---|------|-------|-----|--------|---|---------------------------|"]
    for n, row in enumerate(rows, 1):
        s = row["seed"]
        files = ", ".join(sorted({p.file.removeprefix("mockserver/") for p in s.patches}))
        result = row["result"].upper() if row["result"] in ("survived", "error") else row["result"]
        detail = row["detail"].replace("|", "\\|")
        out.append(f"| {n} | `{s.name}` | {files} | {s.description} | {result} | "
                   f"{row['seconds']:.1f} | {detail} |")
    return "\n".join(out)


def score(rows: list[dict]) -> tuple[int, int, str]:
    killed = sum(r["result"] in ("killed", "timeout") for r in rows)
    valid = sum(r["result"] != "error" for r in rows)
    pct = f"{100 * killed / valid:.0f}%" if valid else "n/a"
    return killed, valid, pct


def write_results(rows: list[dict], command: str, started: dt.datetime) -> None:
    killed, valid, pct = score(rows)
    errors = [r for r in rows if r["result"] == "error"]
    survived = [r for r in rows if r["result"] == "survived"]
    text = [
        "# Mutation testing results",
        "",
        "## Seeded rule bugs",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC",
        f"- Command: `{command}` (or `make mutation`)",
        f"- Each seed: a fresh copy of the repo, the patch, then "
        f"`python {' '.join(TEST_ARGS)}` in the copy (PYTHONPATH = the copy).",
        f"- Score: **{killed}/{valid} killed ({pct})**, {len(survived)} survived, "
        f"{len(errors)} harness errors.",
        "",
        table(rows),
        "",
    ]
    if errors:
        text += ["**HARNESS ERRORS**: these patches no longer match the code; update seeded.py.", ""]
    mutmut = RESULTS.read_text(encoding="utf-8").split("\n## mutmut", 1) if RESULTS.exists() else []
    if len(mutmut) == 2:  # keep the mutmut section that run_mutmut.py maintains
        text += ["## mutmut" + mutmut[1].rstrip("\n"), ""]
    RESULTS.write_text("\n".join(text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-k", action="append", default=[], help="only seeds whose name contains this")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant run")
    parser.add_argument("--list", action="store_true", help="list the seeds and exit")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run")
    parser.add_argument("--no-write", action="store_true", help="do not write mutation/RESULTS.md")
    args = parser.parse_args(argv)

    seeds = [s for s in SEEDS if not args.k or any(k in s.name for k in args.k)]
    if args.list:
        for s in seeds:
            print(f"{s.name:40} {s.description}")
        return 0
    started = dt.datetime.now(dt.timezone.utc)
    global SOURCE
    snapshot = tempfile.TemporaryDirectory(prefix="seeded-snapshot-")
    SOURCE = copy_repo(Path(snapshot.name))
    if not args.no_baseline:
        baseline(args.timeout)
    rows = []
    for n, s in enumerate(seeds, 1):
        row = run_seed(s, args.timeout)
        rows.append(row)
        flag = {"survived": "  <-- SURVIVED: a test gap", "error": "  <-- HARNESS ERROR"}.get(row["result"], "")
        print(f"[{n:2}/{len(seeds)}] {row['result']:8} {row['seconds']:5.1f}s  {s.name}{flag}", flush=True)
    print()
    print(table(rows))
    killed, valid, pct = score(rows)
    print(f"\nseeded score: {killed}/{valid} killed ({pct})")
    errors = [r for r in rows if r["result"] == "error"]
    for r in errors:
        print(f"HARNESS ERROR in seed {r['seed'].name}: {r['detail']}", file=sys.stderr)
    if not args.no_write and not args.k:
        write_results(rows, "python mutation/seeded.py", started)
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    if errors:
        return 2
    return 1 if any(r["result"] == "survived" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
