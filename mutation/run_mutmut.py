"""Run mutmut (configured in setup.cfg [mutmut]) on a throw-away copy of the repo.

mutmut 3 writes a `mutants/` tree next to the sources; running it in a temp copy keeps the real
tree clean, like seeded.py. Afterwards this writes the "## mutmut" section of
mutation/RESULTS.md: per-file counts, the score, and every surviving mutant with its diff.

    python mutation/run_mutmut.py                          # every configured domain module
    python mutation/run_mutmut.py 'mockserver.domain.keys.*'  # a subset (mutmut name globs)
    python mutation/run_mutmut.py --timeout 900 --max-children 2

Mutation score = killed / (all mutants - skipped); "no tests" and "timeout" count as not killed
and timeout as killed respectively, as mutmut itself reports them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "mutation" / "RESULTS.md"
IGNORE = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".hypothesis",
                                ".schemathesis", ".pytest_cache", "mutants", "reports", "out")
LINE = re.compile(r"^\s+(\S+): (.+)$")
MODULE = re.compile(r"^(.*?)\.x[_\u01c1]")  # mod.x_func__mutmut_1, mod.x\u01c1Class\u01c1meth__mutmut_1


def mutmut_exe() -> str:
    exe = Path(sys.executable).parent / "mutmut"
    return str(exe) if exe.exists() else "mutmut"


def version() -> str:
    try:
        from importlib.metadata import version as v
        return v("mutmut")
    except Exception:  # noqa: BLE001
        return "?"


def run(repo: Path, args: list[str], timeout: float | None = None, capture=True):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)  # mutmut puts mutants/ first on sys.path itself
    return subprocess.run([mutmut_exe(), *args], cwd=repo, env=env, timeout=timeout,
                          capture_output=capture, text=True)


def summarise(repo: Path) -> tuple[dict, dict, list[tuple[str, str]]]:
    """({file: Counter(status)}, totals, [(survivor, diff)])."""
    out = run(repo, ["results", "--all", "true"], timeout=300).stdout
    by_file: dict[str, Counter] = defaultdict(Counter)
    survivors: list[str] = []
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        name, status = m.groups()
        module = MODULE.match(name).group(1) if MODULE.match(name) else name.rsplit(".", 1)[0]
        by_file[module][status] += 1
        if status == "survived":
            survivors.append(name)
    totals = Counter()
    for c in by_file.values():
        totals.update(c)
    diffs = []
    for name in survivors:
        show = run(repo, ["show", name], timeout=120).stdout.strip()
        diffs.append((name, show))
    return by_file, totals, diffs


def mutmut_score(totals: Counter) -> tuple[int, int, str]:
    killed = totals["killed"] + totals["timeout"]
    considered = sum(totals.values()) - totals["skipped"] - totals["not checked"]
    pct = f"{100 * killed / considered:.1f}%" if considered else "n/a"
    return killed, considered, pct


def section(command: str, started: dt.datetime, seconds: float, by_file, totals, diffs,
            note: str) -> str:
    killed, considered, pct = mutmut_score(totals)
    statuses = sorted({s for c in by_file.values() for s in c})
    lines = [
        "## mutmut",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; mutmut {version()}; wall time {seconds:.0f} s",
        f"- Command: `{command}` (config: setup.cfg `[mutmut]`; run in a temp copy of the repo)",
        f"- Score: **{killed}/{considered} killed ({pct})** "
        f"({', '.join(f'{s}: {totals[s]}' for s in statuses)})",
    ]
    if note:
        lines.append(f"- Note: {note}")
    lines += ["", "| module | " + " | ".join(statuses) + " |",
              "|---|" + "---|" * len(statuses)]
    for module in sorted(by_file):
        lines.append(f"| {module} | " + " | ".join(str(by_file[module][s]) for s in statuses) + " |")
    if diffs:
        lines += ["", "### Surviving mutants", ""]
        for name, diff in diffs:
            lines += [f"`{name}`", "", "```diff", diff, "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_section(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Mutation testing results\n"
    head = old.split("\n## mutmut", 1)[0].rstrip("\n")
    RESULTS.write_text(head + "\n\n" + text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="mutant name globs (a subset); default: all")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds for `mutmut run`")
    parser.add_argument("--keep", action="store_true", help="keep the temp copy and print its path")
    parser.add_argument("--no-write", action="store_true", help="do not write mutation/RESULTS.md")
    args = parser.parse_args(argv)

    started = dt.datetime.now(dt.timezone.utc)
    tmp = Path(tempfile.mkdtemp(prefix="mutmut-"))
    repo = tmp / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    command = "python mutation/run_mutmut.py" + "".join(f" {n!r}" for n in args.names)
    note = "subset: " + ", ".join(args.names) if args.names else ""
    t0 = time.monotonic()
    try:
        try:
            proc = run(repo, ["run", "--max-children", str(args.max_children), *args.names],
                       timeout=args.timeout, capture=False)
            if proc.returncode != 0:
                note = (note + "; " if note else "") + f"`mutmut run` exited {proc.returncode}"
        except subprocess.TimeoutExpired:
            note = (note + "; " if note else "") + (
                f"`mutmut run` stopped after {args.timeout:.0f} s: the counts cover the mutants "
                "checked by then, the rest are 'not checked'")
        seconds = time.monotonic() - t0
        by_file, totals, diffs = summarise(repo)
        text = section(command, started, seconds, by_file, totals, diffs, note)
        print(text)
        if not args.no_write:
            write_section(text)
            print(f"wrote {RESULTS.relative_to(ROOT)}")
        stats = repo / "mutants" / "mutmut-cicd-stats.json"
        run(repo, ["export-cicd-stats"], timeout=120)
        if stats.exists():
            print(json.dumps(json.loads(stats.read_text()), indent=None))
    finally:
        if args.keep:
            print(f"kept {repo}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
