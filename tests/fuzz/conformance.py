"""`make conformance [SPEC=file] [BASE_PATH=/v2]`: schemathesis with a spec against a fresh fake,
summarised as a short table (operation, result, failures). Exit 1 on any failure.

With the project's own spec (the default) every check runs as in `make test`. Pointing it at
another document, e.g. Navixy's published IoT_Logic.json, checks that the fake serves what
that document promises: its paths start at /iot/..., so pass BASE_PATH=/v2.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.live import LiveServer  # noqa: E402


def run(spec: Path, base_path: str, max_time: int, out=sys.stdout) -> int:
    server = LiveServer("--server", "waitress")  # as tests/fuzz/test_schemathesis.py
    try:
        with tempfile.TemporaryDirectory() as tmp:
            junit = Path(tmp) / "junit.xml"
            env = {**os.environ, "NAVIXY_MOCK_URL": server.url, "PYTHONPATH": str(ROOT),
                   "SCHEMATHESIS_HOOKS": "tests.fuzz.st_hooks"}
            cli = Path(sys.executable).with_name("schemathesis")
            result = subprocess.run(
                [str(cli), "--config-file", str(ROOT / "tests/fuzz/schemathesis.toml"), "run",
                 str(spec), "--url", server.url + base_path, "--checks", "all",
                 "--exclude-checks", "ignored_auth", "--max-time", str(max_time),
                 "--report", "junit", "--report-junit-path", str(junit)],
                cwd=tmp, env=env, capture_output=True, text=True, timeout=max_time + 120)
            rows = _rows(junit) if junit.exists() else []
    finally:
        server.stop()
    _print_table(spec, rows, out)
    if result.returncode not in (0, 1):
        print(result.stdout[-3000:] + result.stderr[-2000:], file=out)
    return 0 if result.returncode == 0 else 1


def _rows(junit: Path) -> list[tuple[str, str, int]]:
    rows = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        failures = case.findall("failure") + case.findall("error")
        rows.append((case.get("name", "?"), "FAIL" if failures else "ok", len(failures)))
    return sorted(rows)


def _print_table(spec: Path, rows: list, out) -> None:
    failed = sum(1 for _, result, _ in rows if result != "ok")
    print(f"schemathesis conformance: {spec}", file=out)
    print(f"{'operation':<58} {'result':<6} failures", file=out)
    for name, result, count in rows:
        print(f"{name:<58} {result:<6} {count}", file=out)
    print(f"{len(rows)} operations, {failed} with failures (checks: all but ignored_auth, "
          f"plus the Navixy checks of tests/fuzz/st_hooks.py)", file=out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=str(ROOT / "openapi/openapi.json"))
    parser.add_argument("--base-path", default="", help="prefix of the spec's paths on the fake, e.g. /v2")
    parser.add_argument("--max-time", type=int, default=120)
    args = parser.parse_args()
    return run(Path(args.spec).resolve(), args.base_path, args.max_time)


if __name__ == "__main__":
    raise SystemExit(main())
