"""Turn run.py's raw figures into bench/RESULTS.md and the short table printed at the end."""
from __future__ import annotations

import math

from common import ratio
from servers import REFERENCE

from mockserver.serving import DEFAULT

# Context figures quoted in issue 6 (same 2-core box, wrk, GET, c=16): not measured by this run.
ISSUE_CONTEXT_RPS = {"Stoplight Prism": 1100, "Mockoon": 1000}


def default_server(res: dict) -> str:
    """The server `mockserver serve` runs by default, as recorded by the run (older results:
    this checkout's default)."""
    return res.get("default_server") or DEFAULT


def reference_server(res: dict) -> str:
    return res.get("reference_server") or REFERENCE


def _f(x, digits=0, unit=""):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.{digits}f}{unit}"


def _ms(seconds):
    return _f(seconds * 1000 if seconds is not None else None, 0, " ms")


def _yes(ok):
    return "met" if ok else "NOT met"


def targets(res: dict) -> list[tuple[str, bool | None, str]]:
    """(target, met?, evidence). met None = not measured in this run."""
    t: list[tuple[str, bool | None, str]] = []
    dflt, ref = default_server(res), reference_server(res)
    st = res.get("startup", {}).get(dflt)
    if st:
        m, b = st["mock"]["first_200_s"], st["base"]["first_200_s"]
        t.append((f"CLI ready < 0.5 s (default server, {dflt}: spawn -> first get_info 200, "
                  "median)", m < 0.5, _ms(m)))
        t.append((f"CLI ready <= 1.2 x the bare Flask app (both on the default server, {dflt})",
                  m <= 1.2 * b, f"{ratio(m, b):.2f} x ({_ms(m)} vs {_ms(b)})"))
        # The first request on a fresh connection also pays the server's own warm-up (the bare
        # app shows it too): user/auth is that request, so the bare app's gap is subtracted.
        bare = st["base"]["calls"]["hello"]
        bare_gap = bare["first_ms"] - bare["tenth_ms"]
        worst = []
        for name, c in st["mock"]["calls"].items():
            excess = c["first_ms"] - c["tenth_ms"] - (bare_gap if name == "user/auth" else 0)
            worst.append((excess <= 0.5, f"{name} {c['first_ms']:.1f} vs {c['tenth_ms']:.1f} ms"
                          f" (+{max(excess, 0):.1f})"))
        t.append((f"first request as fast as the tenth on {dflt} (lazy cost <= 0.5 ms beyond "
                  "the bare app's own first-request gap)", all(ok for ok, _ in worst),
                  "; ".join(s for _, s in worst)))
    ip = res.get("inproc")
    if ip:
        t.append(("in-process ready < 0.3 s (session fixture request -> first get_info 200, "
                  "its lazy imports included)", ip["cold_total_s"] < 0.3,
                  f"{_ms(ip['cold_total_s'])} (imports {_ms(ip['import_s'])} + server "
                  f"{_ms(ip['cold_ready_s'])}); per-test namespace "
                  f"{ip.get('namespace_first_s', float('nan')) * 1000:.1f} ms"))
    tp = res.get("throughput", {})
    for server, r in tp.items():
        gi, hb = r["mock"].get("user/get_info@16"), r["base"].get("hello@16")
        if gi and hb:
            t.append((f"{server}: get_info rps at c=16 >= 80 % of the bare app's",
                      gi["rps"] >= 0.8 * hb["rps"], f"{ratio(gi['rps'], hb['rps']) * 100:.0f} %"))
            t.append((f"{server}: get_info p99 at c=16 <= 1.5 x the bare app's",
                      gi["p99_ms"] <= 1.5 * hb["p99_ms"],
                      f"{ratio(gi['p99_ms'], hb['p99_ms']):.2f} x ({gi['p99_ms']:.1f} vs "
                      f"{hb['p99_ms']:.1f} ms)"))
        errs = sum(p["errors"] + p["non2xx"] for p in [*r["mock"].values(), *r["base"].values()])
        t.append((f"{server}: no errors under load", errs == 0, f"{errs} errors / non-2xx"))
    default_gi = (tp.get(dflt) or {}).get("mock", {}).get("user/get_info@16")
    ref_hello = (tp.get(ref) or {}).get("base", {}).get("hello@16")
    if default_gi and ref_hello:
        t.append((f"product: default-server ({dflt}) get_info >= 1.6 x bare Flask hello on "
                  f"{ref} (c=16)", default_gi["rps"] >= 1.6 * ref_hello["rps"],
                  f"{ratio(default_gi['rps'], ref_hello['rps']):.2f} x ({dflt} get_info "
                  f"{default_gi['rps']:,.0f} vs {ref} hello {ref_hello['rps']:,.0f} req/s)"))
    elif default_gi:
        t.append((f"product: default-server ({dflt}) get_info >= 1.6 x bare Flask hello on "
                  f"{ref} (c=16)", None, f"no bare hello on {ref} in this run"))
    if default_gi:
        t.append((f"product: get_info p99 < 10 ms at c=16 (default server, {dflt})",
                  default_gi["p99_ms"] < 10, f"{default_gi['p99_ms']:.1f} ms"))
    row = _vs_other_mocks(res, default_gi)
    if row:
        t.append(row)
    for server, r in tp.items():
        if r.get("race"):
            t.append((f"{server}: 20-key race under load -> exactly 20 keys, invariants hold",
                      r["race"]["ok"], r["race"]["verdict"]))
    sc = res.get("scale")
    if sc and len(sc) > 1:
        lo, hi = sc[0], sc[-1]
        rr = ratio(hi["fresh_us"]["median"], lo["fresh_us"]["median"])
        rp = ratio(hi["preloaded_us"]["median"], lo["preloaded_us"]["median"])
        t.append((f"get_info flat: <= 10 % slower at {hi['sessions']:,} than at {lo['sessions']:,} "
                  "sessions (median)", max(rr, rp) <= 1.10,
                  f"{rr:.2f} x (fresh session), {rp:.2f} x (a pre-loaded session)"))
        big = max(sc, key=lambda x: x["sessions"])
        t.append(("RSS per live session <= 1 KB", big["rss_per_session_b"] <= 1024,
                  f"{big['rss_per_session_b']:.0f} B at {big['sessions']:,} sessions"))
    wd = res.get("world")
    if wd:
        t.append((f"namespace (World) creation with {wd['objects']:,} objects < 5 ms, until "
                  "usable", wd["create_ms"] < 5,
                  f"{wd['create_ms']:.1f} ms (the constructor alone: "
                  f"{wd.get('construct_ms', float('nan')):.2f} ms; the store is built on first use)"))
        t.append((f"reset with {wd['objects']:,} objects < 5 ms", wd["reset_ms"] < 5,
                  f"{wd['reset_ms']:.1f} ms"))
    jr = res.get("journal")
    if jr and not jr.get("absent"):
        ok = (jr["kept"] == jr["cap"] and jr["http_kept"] <= jr["http_cap"]
              and (jr["graveyard_kept"] is None or jr["graveyard_kept"] <= jr["cap"])
              and jr["growth_past_cap_kib"] <= max(1024, 0.1 * jr["full_journal_kib"]))
        t.append(("journal bounded: stays at its cap, memory stops growing", ok,
                  f"cap {jr['cap']:,}: {jr['kept']:,} kept of {jr['recorded']:,}, "
                  f"~{jr['bytes_per_event']:.0f} B/event, +{jr['growth_past_cap_kib']:,} KiB past "
                  f"the cap; {jr['http_logins']:,} real logins with cap {jr['http_cap']} kept "
                  f"{jr['http_kept']}"))
    elif jr:
        t.append(("journal bound", None, "no journal in this build"))
    for server, r in res.get("startup", {}).items():
        m = r["mock"]
        t.append((f"{server}: starts < 0.5 s and stops cleanly on SIGTERM (exit 0)",
                  m["first_200_s"] < 0.5 and m["stop_clean"],
                  f"{_ms(m['first_200_s'])}; stop {_ms(m['stop_s'])}, exit {m['stop_exit']}, "
                  f"{'clean' if m['stop_clean'] else 'NOT clean'}"))
    if res.get("sigint"):
        s = res["sigint"]
        t.append((f"CLI stops cleanly on SIGINT ({s.get('server', dflt)})", s["clean"],
                  f"exit {s['exit']} in {_ms(s['seconds'])}"))
    return t


def _vs_other_mocks(res: dict, default_gi: dict | None):
    """'>= 2.5 x Prism and Mockoon' (get_info, c=16), the fake on the default server: each
    mock's fastest variant measured in this run (--anchors; Prism runs twice, quiet and with its
    default logging) when there is one, else the issue's context figure; the row says which."""
    an = res.get("anchors") or {}
    fake = (an.get("fake") or {}).get("points", {}).get("user/get_info@16") or default_gi
    if not fake:
        return None
    figs = {}  # family -> (req/s, how, variant or None)
    for family, context in ISSUE_CONTEXT_RPS.items():
        variants = [(p["rps"], m.get("variant")) for name, m in an.get("mocks", {}).items()
                    if m.get("family", name) == family
                    and (p := m.get("points", {}).get("user/get_info@16"))]
        if variants:
            rps, variant = max(variants, key=lambda v: v[0])
            figs[family] = (rps, "measured", variant if len(variants) > 1 else None)
        else:
            figs[family] = (context, "issue's context figure", None)
    kinds = {how for _, how, _ in figs.values()}
    source = ("measured in this run (--anchors), the fastest variant of each" if kinds == {"measured"}
              else "issue's context figures, not measured here" if "measured" not in kinds else
              "; ".join(f"{n}: {how}" for n, (_, how, _) in figs.items()))
    best = max(rps for rps, _, _ in figs.values())

    def detail(how, variant):
        notes = [how] if how != "measured" else []
        notes += [variant] if variant else []
        return "".join(", " + n for n in notes)

    fake_server = (an.get("fake") or {}).get("server") or default_server(res)
    return (f"product: >= 2.5 x Prism and Mockoon (get_info at c=16, the fake on {fake_server}; "
            f"{source})",
            fake["rps"] >= 2.5 * best,
            f"fake {fake['rps']:,.0f} req/s = " + ", ".join(
                f"{ratio(fake['rps'], rps):.2f} x {n} ({rps:,.0f}{detail(how, variant)})"
                for n, (rps, how, variant) in figs.items()) + f"; needs >= {2.5 * best:,.0f}")


def _anchors_section(an: dict, version: str, add, server: str) -> None:
    add("## 5. Other mocks (anchors)\n")
    add("Stateless stub servers answering the same two calls with the fake's own bodies "
        "(the default fixture owner's `get_info`, 457 bytes, and a `user/auth` with a fixed "
        "hash; stub files in `bench/anchors/`, answers checked before measuring), driven by the "
        "same load generator and settings as section 2: `get_info` GET with `Authorization: "
        "NVX <hash>`, `user/auth` POST JSON {login, password}, "
        f"{an['seconds']:g} s per point, each mock after a 1 s wrk warm-up per call. "
        f"The fake's figures: {an['fake']['source']}. 'fake ÷ this' = the fake's req/s over "
        "this mock's for the same call and concurrency (above 1: the fake is faster). RSS after "
        "the load; start-up = spawn -> first HTTP 200 from `get_info`. Installed with npm, "
        "exact versions (`bench/anchors/<tool>/package.json` and lock), into `bench/.anchors/`.\n")
    add("| mock | version | call | c | req/s | p50 | p99 | errors | fake ÷ this | RSS | start-up |")
    add("|---|---|---|---|---|---|---|---|---|---|---|")
    fake = an["fake"]
    server = fake.get("server") or server
    rows = [(f"**this fake** ({server})", version, fake)] + [
        (name, m["version"], m) for name, m in an.get("mocks", {}).items()]
    for name, version, m in rows:
        for key, p in m.get("points", {}).items():
            ep, c = key.split("@")
            f = fake["points"].get(key)
            add(f"| {name} | {version} | {ep} | {c} | {p['rps']:,.0f} | {p['p50_ms']:.2f} ms | "
                f"{p['p99_ms']:.2f} ms | {p['errors'] + p['non2xx']} | "
                f"{_f(ratio(f['rps'], p['rps']) if f else None, 2)} x | "
                f"{_f(m.get('rss_mib'), 0, ' MiB')} | {_ms(m.get('startup_s'))} |")
    add("")
    for name, m in an.get("mocks", {}).items():
        diffs = m.get("answer_diffs")
        out = m.get("stdout")
        logged = (f" It wrote {out['lines']:,} lines ({out['bytes'] / 1024:,.0f} KiB) to stdout "
                  "during the run." if out else "")
        add(f"- **{name}** (`{m['package']}@{m['version']}`): {m['settings']}. "
            f"{'Answers as the fake' if not diffs else 'Answers DIFFER from the fake: ' + '; '.join(diffs)}; "
            f"SIGTERM stop: exit {m['stop']['exit']} in {_ms(m['stop']['seconds'])}.{logged}")
    for name, m in an.get("skipped", {}).items():
        add(f"- **{name}** (`{m['package']}@{m['version']}`): **skipped**: {m['reason']}")
    add(f"- The fake's start-up: {fake.get('startup_note', 'spawn -> first get_info 200')}.")
    prism = {m.get("variant"): m["points"]["user/get_info@16"]["rps"]
             for name, m in an.get("mocks", {}).items()
             if m.get("family", name) == "Stoplight Prism" and m.get("variant")
             and "user/get_info@16" in m.get("points", {})}
    if len(prism) > 1:
        fastest = max(prism, key=prism.get)
        add("- Prism is measured twice: " + " and ".join(
            f"{v} {rps:,.0f} req/s" for v, rps in prism.items()) + " (get_info, c=16). Its "
            "default logs every request to stdout (here a pipe the harness drains, so it never "
            f"blocks), as users run it; the product target compares with the faster ({fastest}), "
            "the stricter comparison.")
    add("")


def render(res: dict) -> tuple[str, str]:
    m = res["machine"]
    L: list[str] = []
    add = L.append
    add("# Benchmark results\n")
    add(f"Generated by `bench/run.py` ({res['mode']} mode). Re-run with `make bench` "
        "(or `make bench-smoke`); every figure below comes from one run, and each is also "
        "given as a ratio to a baseline measured in the same run, because the machine is noisy.\n")
    add("| | |\n|---|---|")
    add(f"| date | {res['date']} |")
    add(f"| machine | {m['nproc']} CPUs, {m['cpu']}, Python {m['python']}, {m['platform']} |")
    add(f"| load average (1/5/15 min) | before {_load(m['load_before'])}, after "
        f"{_load(m.get('load_after'))} (other work shares this machine) |")
    if res.get("phase_s"):
        add("| time per phase | " + ", ".join(f"{k} {v:g} s" for k, v in res["phase_s"].items())
            + " |")
    add(f"| command | `{res['command']}` ({res['seconds_per_point']:g} s per load point), "
        f"took {res['elapsed_s']:.0f} s |")
    add(f"| code | mockserver {res.get('version', '?')}, git {res.get('git', '?')} |")
    if res.get("generator"):
        add(f"| load generator | {res['generator']} |")
    add("")

    busy = max((m.get("load_before") or (0,))[0], (m.get("load_after") or (0,))[0])
    if busy > (m.get("nproc") or 1):
        add(f"> **Warning: the machine was oversubscribed during this run** (1-minute load "
            f"average up to {busy:.1f} on {m['nproc']} CPUs: other jobs were running). Absolute "
            "figures are depressed and even same-run ratios are noisy; re-run on a quiet "
            "machine before drawing conclusions.\n")
    if res.get("errors"):
        add("## Phases that failed\n")
        add("These parts of the run raised an error; their figures are missing below.\n")
        for name, detail in res["errors"].items():
            add(f"- **{name}**: `{detail.splitlines()[-1][:300]}`")
        add("")
    if res.get("skipped"):
        add("## Skipped\n")
        for item in res["skipped"]:
            add(f"- {item}")
        add("")
    tt = targets(res)
    dflt, ref = default_server(res), reference_server(res)
    add("## Targets from issue 6\n")
    add("| target | result | figure |\n|---|---|---|")
    for name, ok, ev in tt:
        add(f"| {name} | {'n/a' if ok is None else _yes(ok)} | {ev} |")
    add("")

    if res.get("startup"):
        add("## 1. Start-up\n")
        add(f"Spawn -> `listening on` line -> login -> first HTTP 200 from "
            f"`/v2/user/get_info`, with `mockserver serve --server NAME` ({dflt} is the "
            "default); the baseline is a bare Flask app (`bench/baseline_app.py`, one JSON "
            "route) served by the same code (mockserver/serving.py) on the same server and "
            "settings, spawn -> first 200. Every server prints its `listening on` line from the "
            "process that serves requests, once the port accepts connections ('ready' below); "
            "`mockserver serve` warms the app up before that line. Medians. Bytecode is "
            "compiled beforehand (into a temporary PYTHONPYCACHEPREFIX), as a user's Python has "
            "it cached.\n")
        add("| server | samples | fake: ready | fake: first get_info 200 | bare: first 200 | "
            "ratio | fake RSS | SIGTERM stop | exit |\n|---|---|---|---|---|---|---|---|---|")
        for server, r in res["startup"].items():
            mk, b = r["mock"], r["base"]
            add(f"| {server} | {r['n']} | {_ms(mk['ready_s'])} | {_ms(mk['first_200_s'])} | "
                f"{_ms(b['first_200_s'])} | {ratio(mk['first_200_s'], b['first_200_s']):.2f} x | "
                f"{mk['rss_mib']:.0f} MiB | {_ms(mk['stop_s'])} | {mk['stop_exit']}"
                f"{'' if mk['stop_clean'] else ' (not clean)'} |")
        add("")
        add("First request vs tenth, on a fresh server (keep-alive connection, medians over the "
            "samples; `user/auth` is the very first request):\n")
        add("| server | call | 1st | 10th | median of 2nd..10th |\n|---|---|---|---|---|")
        for server, r in res["startup"].items():
            for name, c in r["mock"]["calls"].items():
                add(f"| {server} | {name} | {c['first_ms']:.2f} ms | {c['tenth_ms']:.2f} ms | "
                    f"{c['rest_ms']:.2f} ms |")
            c = r["base"]["calls"]["hello"]
            add(f"| {server} | bare hello | {c['first_ms']:.2f} ms | {c['tenth_ms']:.2f} ms | "
                f"{c['rest_ms']:.2f} ms |")
        add("")
        if res.get("inproc"):
            ip = res["inproc"]
            how = ("the pytest plugin's `InProcessServer` (waitress in a thread)" if ip.get("has_plugin")
                   else "the plugin's recipe (waitress in a thread; the plugin was not found)")
            add(f"In-process server, as the pytest plugin starts it: {how}, in a fresh interpreter "
                f"with pytest already imported, median of {ip['n']}. 'Session fixture' = the "
                "fixture's lazy imports + `create_app()` + server start -> first get_info 200 "
                "after a login; 'namespace' = a per-test namespace's first login + get_info "
                "(`/__ns__/NAME/...`) on the running server.\n")
            add("| plugin import | session fixture: imports | + server -> first 200 | total | "
                "a second session server | first namespace | later namespaces | werkzeug "
                "make_server instead |")
            add("|---|---|---|---|---|---|---|---|")
            add(f"| {_ms(ip.get('plugin_import_s'))} | {_ms(ip['import_s'])} | "
                f"{_ms(ip['cold_ready_s'])} | **{_ms(ip['cold_total_s'])}** | "
                f"{_ms(ip['warm_ready_s'])} | {ip.get('namespace_first_s', float('nan')) * 1000:.1f} ms | "
                f"{ip.get('namespace_next_s', float('nan')) * 1000:.1f} ms | "
                f"{_ms(ip['werkzeug_ready_s'])} |")
            add("")
        if res.get("sigint"):
            s = res["sigint"]
            add(f"`mockserver serve` ({s.get('server', dflt)}) on SIGINT: exit {s['exit']} in "
                f"{_ms(s['seconds'])}.\n")

    if res.get("throughput"):
        add("## 2. Throughput and latency\n")
        add(f"{res['generator']}. Each point ~{res['seconds_per_point']:g} s after a warm-up; "
            "the fake and the bare app run side by side on the same server, and at each "
            "concurrency the bare app's point runs just before the fake's. Requests: "
            "`user/auth` POST JSON {login, password}; `user/get_info` GET with "
            "`Authorization: NVX <hash>`; `api/key/list` POST JSON {hash}; "
            "`iot/logic/flow/list` GET with the header. Ratios are to the bare app at the same "
            "concurrency on the same server. 'gen CPU' is wrk's CPU use in % of one core "
            "(well under 100 % = not the bottleneck).\n")
        for server, r in res["throughput"].items():
            add(f"### {server}{' (the default server)' if server == dflt else ''}\n")
            add("| endpoint | c | req/s | p50 | p99 | req/s vs bare | p99 vs bare | errors | gen CPU |")
            add("|---|---|---|---|---|---|---|---|---|")
            for key, p in r["base"].items():
                ep, c = key.split("@")
                add(f"| bare hello | {c} | {p['rps']:,.0f} | {p['p50_ms']:.2f} ms | "
                    f"{p['p99_ms']:.2f} ms | 1.00 | 1.00 | {p['errors'] + p['non2xx']} | "
                    f"{p['gen_cpu'] * 100:.0f} % |")
            for key, p in r["mock"].items():
                ep, c = key.split("@")
                hb = r["base"].get(f"hello@{c}")
                add(f"| {ep} | {c} | {p['rps']:,.0f} | {p['p50_ms']:.2f} ms | {p['p99_ms']:.2f} ms "
                    f"| {_f(ratio(p['rps'], hb['rps']) if hb else None, 2)} "
                    f"| {_f(ratio(p['p99_ms'], hb['p99_ms']) if hb else None, 2)} "
                    f"| {p['errors'] + p['non2xx']} | {p['gen_cpu'] * 100:.0f} % |")
            add(f"\nRSS after the run: fake {r.get('mock_rss_mib', 0):.0f} MiB, bare "
                f"{r.get('base_rss_mib', 0):.0f} MiB. Stop on SIGTERM: fake exit "
                f"{r['mock_stop']['exit']} in {_ms(r['mock_stop']['seconds'])}, bare exit "
                f"{r.get('base_stop', {}).get('exit')}.\n")
        add("### Servers compared (get_info, c=16)\n")
        ref_hello = res["throughput"].get(ref, {}).get("base", {}).get("hello@16")
        add("| server | settings | get_info req/s | p99 | vs bare app, same server | "
            f"vs bare Flask on {ref} | start-up | SIGTERM |\n|---|---|---|---|---|---|---|---|")
        from servers import SETTINGS
        for server, r in res["throughput"].items():
            gi, hb = r["mock"].get("user/get_info@16"), r["base"].get("hello@16")
            st = res.get("startup", {}).get(server, {}).get("mock", {})
            if not gi:
                continue
            add(f"| {server} | {SETTINGS[server]} | {gi['rps']:,.0f} | {gi['p99_ms']:.1f} ms | "
                f"{_f(ratio(gi['rps'], hb['rps']) if hb else None, 2)} x | "
                f"{_f(ratio(gi['rps'], ref_hello['rps']) if ref_hello else None, 2)} x | "
                f"{_ms(st.get('first_200_s'))} | exit {st.get('stop_exit', '?')} in "
                f"{_ms(st.get('stop_s'))} |")
        add("")

        add("## 4. Concurrency correctness under load\n")
        from throughput import RACE_CONNECTIONS, RACE_PER_CONNECTION
        add(f"While the load generator drives `get_info` at c=16 (the endpoint's warm-up "
            f"window), {RACE_CONNECTIONS} connections released by a barrier each send "
            f"{RACE_PER_CONNECTION} `api/key/create` on one account (`other@example.com`, which "
            "starts with no keys).\n")
        for server, r in res["throughput"].items():
            race = r.get("race")
            if not race:
                continue
            add(f"- **{server}**: {race['verdict']}; outcomes {race['outcome']}; "
                f"race took {_ms(race['race_s'])}; get_info load during it: "
                f"{race['load_during']['rps']:,.0f} req/s, "
                f"{race['load_during']['errors'] + race['load_during']['non2xx']} errors.")
            failed = [k for k, v in race["checks"].items() if not v]
            add(f"  Checks: {len(race['checks']) - len(failed)}/{len(race['checks'])} hold"
                + (f"; failed: {', '.join(failed)}" if failed else
                   f" ({'; '.join(race['checks'])})."))
        add("")

    if res.get("scale"):
        add("## 3. Scale and memory (in process)\n")
        add("Live sessions built directly as `Session` records via `store.add_session` "
            "(spread over sessions/100 extra owners, plus sessions/10 API keys), each size in a "
            "fresh interpreter; `get_info` called straight through the WSGI callable (no socket). "
            "'fresh' = a session from a real login; 'pre-loaded' = one of the bulk sessions. "
            "RSS from /proc/self/status; per-session RSS includes the 32-hex hash string the "
            "store keeps.\n")
        base = res["scale"][0]
        add("| live sessions | get_info median (fresh) | p99 | mean | vs 10 | pre-loaded median | "
            "vs 10 | RSS / session | RSS / key | RSS total | preload |")
        add("|---|---|---|---|---|---|---|---|---|---|---|")
        for s in res["scale"]:
            fr, pr = s["fresh_us"], s["preloaded_us"]
            add(f"| {s['sessions']:,} | {fr['median']:.0f} us | {fr['p99']:.0f} us | "
                f"{fr['mean']:.0f} us | {ratio(fr['median'], base['fresh_us']['median']):.2f} | "
                f"{pr['median']:.0f} us | {ratio(pr['median'], base['preloaded_us']['median']):.2f} | "
                f"{_f(s['rss_per_session_b'] if s['sessions'] >= 10_000 else None, 0, ' B')} | "
                f"{_f(s['rss_per_key_b'] if s['keys'] >= 1_000 else None, 0, ' B')} | "
                f"{s['rss_total_mib']:.0f} MiB | {s['preload_s']:.1f} s |")
        add("\n(RSS per object is n/a below 10k objects: page granularity.)\n")
        if res.get("world"):
            wd = res["world"]
            add(f"Namespace (World) creation and reset with {wd['objects']:,} fixture objects "
                f"({wd['users']:,} users, {wd['keys']:,} keys, {wd['flows']:,} flows), median of "
                f"{wd['reps']}: constructor {wd.get('construct_ms', float('nan')):.2f} ms, "
                f"constructor + first use (store built from the fixture) **{wd['create_ms']:.1f} ms**, "
                f"reset **{wd['reset_ms']:.1f} ms**. With the default fixture: "
                f"{wd['default_create_ms']:.2f} ms / {wd['default_reset_ms']:.2f} ms.\n")
    jr = res.get("journal")
    if jr and not jr.get("absent"):
        add(f"Journal bound: a world's journal (cap {jr['cap']:,}) given {jr['recorded']:,} events "
            f"keeps {jr['kept']:,}; a full journal costs {jr['full_journal_kib']:,} KiB "
            f"RSS (~{jr['bytes_per_event']:.0f} B/event) and grows {jr['growth_past_cap_kib']:,} KiB "
            f"more past the cap. The dead-credential memory kept {jr['graveyard_kept']} of "
            f"{2 * jr['cap']:,} burials. Through the app: {jr['http_logins']:,} logins on a world "
            f"with cap {jr['http_cap']} leave {jr['http_kept']} events (last seq "
            f"{jr['http_last_seq']:,}).\n")
    if res.get("anchors"):
        _anchors_section(res["anchors"], res.get("version", "?"), add, default_server(res))
    if res.get("profile"):
        pf = res["profile"]
        add("## Hot path: cProfile of get_info\n")
        add(f"{pf['calls']} calls in process, {pf['us_per_call_profiled']:.0f} us per call under "
            "the profiler (several times the unprofiled cost; compare shares, not absolutes).\n")
        for title, key in (("Top by cumulative time", "by_cum"), ("Top by own time", "by_own")):
            add(f"{title}:\n")
            add("| function | calls / request | cumulative us / request | own us / request |")
            add("|---|---|---|---|")
            for row in pf[key]:
                if row["func"].startswith("bench/"):
                    continue  # the harness's own WSGI call
                add(f"| `{row['func']}` | {row['calls_per_req']:.0f} | {row['cum_us']:.0f} | "
                    f"{row['own_us']:.0f} |")
            add("")
    add("## What this means\n")
    add(meaning(res, tt))
    add("")
    return "\n".join(L), short_table(res, tt)


def meaning(res: dict, tt) -> str:
    met = [n for n, ok, _ in tt if ok]
    missed = [n for n, ok, _ in tt if ok is False]
    parts = [f"{len(met)} of {len(met) + len(missed)} measured targets are met."]
    if missed:
        parts.append("Not met: " + "; ".join(missed) + ".")
    tp = res.get("throughput", {})
    dflt = default_server(res)
    w = tp.get(dflt)
    if w and w["mock"].get("user/get_info@16") and w["base"].get("hello@16"):
        gi, hb = w["mock"]["user/get_info@16"], w["base"]["hello@16"]
        per_req = 1e6 / gi["rps"] - 1e6 / hb["rps"]
        parts.append(
            f"On the default server ({dflt}) a stateful `get_info` costs about "
            f"{per_req:,.0f} us of server time more than a bare Flask hello on the same server "
            f"({gi['rps']:,.0f} vs {hb['rps']:,.0f} req/s at c=16); cProfile (full mode) shows that "
            "extra is the framework layers around the handler (webargs parsing with a new "
            "marshmallow Schema per request, a marshmallow dump of the result, jsonify, "
            "flask-smorest's wrapper stack) rather than the store, whose lookup is a dict hit "
            "and stays flat with the number of sessions.")
    servers = {s: r["mock"]["user/get_info@16"]["rps"] for s, r in tp.items()
               if r["mock"].get("user/get_info@16")}
    if len(servers) > 1:
        best = max(servers, key=servers.get)
        parts.append(f"Fastest server for get_info at c=16 in this run: {best} "
                     f"({', '.join(f'{s} {v:,.0f}' for s, v in servers.items())} req/s).")
    if res["mode"] == "smoke":
        parts.append("This is a smoke run (2 s points, fewer servers and sizes): use it to see "
                     "that the harness works, not for the figures.")
    parts.append(f"The machine has {res['machine']['nproc']} CPUs shared by the server, the load "
                 "generator and whatever else runs (see the load average above); trust the "
                 "ratios over the absolute figures.")
    return " ".join(parts)


def short_table(res: dict, tt) -> str:
    rows = [("target", "result", "figure")]
    for name, ok, ev in tt:
        rows.append((name[:70], "n/a" if ok is None else ("met" if ok else "NOT met"), ev[:70]))
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    out = [" | ".join(r[i].ljust(w[i]) for i in range(3)) for r in rows]
    out.insert(1, "-+-".join("-" * x for x in w))
    lines = []
    for server, r in res.get("throughput", {}).items():
        for key, p in r["mock"].items():
            c = key.split("@")[1]
            hb = r["base"].get(f"hello@{c}")
            lines.append(f"{server:8} {key:26} {p['rps']:7,.0f} req/s p99 {p['p99_ms']:6.1f} ms"
                         f"  x{_f(ratio(p['rps'], hb['rps']) if hb else None, 2)} of bare")
        for key, p in r["base"].items():
            lines.append(f"{server:8} {'bare ' + key:26} {p['rps']:7,.0f} req/s p99 "
                         f"{p['p99_ms']:6.1f} ms")
    an = res.get("anchors") or {}
    for name, m in an.get("mocks", {}).items():
        for key, p in m.get("points", {}).items():
            f = an["fake"]["points"].get(key)
            lines.append(f"{name[:33]:33} {key:18} {p['rps']:7,.0f} req/s p99 "
                         f"{p['p99_ms']:6.1f} ms  fake x{_f(ratio(f['rps'], p['rps']) if f else None, 2)}")
    for name, m in an.get("skipped", {}).items():
        lines.append(f"{name[:33]:33} skipped: {m['reason'][:90]}")
    return "\n".join(lines + [""] + out)


def _load(x):
    return "/".join(f"{v:.1f}" for v in x) if x else "n/a"
