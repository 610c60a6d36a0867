"""`mockserver serve` and `mockserver spec`."""
from __future__ import annotations

import argparse
import json
import sys

from .serving import DEFAULT as DEFAULT_SERVER
from .serving import SERVERS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mockserver", description="A stateful fake of the Navixy API")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the fake over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    serve.add_argument("--fixtures", default=None, help="fixture JSON (default: the packaged one)")
    serve.add_argument("--server", choices=SERVERS, default=DEFAULT_SERVER,
                       help=f"WSGI server (default {DEFAULT_SERVER}, the fastest measured; "
                            "only waitress and gunicorn can drop connections as a fault)")
    serve.add_argument("--threads", type=_positive_int, default=None,
                       help="threads running requests; default 1 under granian (the steadiest "
                            "p99 measured: the GIL runs one at a time anyway), 8 under waitress "
                            "and gunicorn. Under granian with 1 thread an injected delay holds "
                            "every other call too; give more threads to avoid that")
    serve.add_argument("--seed", type=int, default=0,
                       help="seed of each world's random source (fault probabilities); default 0")
    serve.add_argument("--rate-limit", type=_positive_int, default=None, metavar="N",
                       help="Navixy's rate limit: N requests per second per user, per API key "
                            "and per IP on the mock clock, else code 15 / HTTP 429; default off")
    serve.add_argument("--journal-cap", type=_positive_int, default=10_000, metavar="N",
                       help="events kept in each world's journal (and dead credentials kept "
                            "for explain) before the oldest drop; default 10000")
    serve.add_argument("--explain-header", action="store_true",
                       help="add X-Mock-Reason: <reason> to every error response")
    serve.add_argument("--strict", action="store_true",
                       help="validate every response (and every request answered 200) against "
                            "the server's own OpenAPI document; a violation becomes code 6 / "
                            "HTTP 500 with an X-Mock-Spec-Violation header (needs openapi-core)")
    _add_control_arguments(serve)
    spec = commands.add_parser("spec", help="write the OpenAPI document")
    spec.add_argument("-o", "--output", default="-", help="file path, or - for stdout")
    run = commands.add_parser(
        "exec", help="serve on a free port, run a command with NAVIXY_MOCK_URL set, stop",
        usage="mockserver exec [--fixtures FILE] -- CMD [ARGS...]")
    run.add_argument("--fixtures", default=None, help="fixture JSON (default: the packaged one)")
    run.add_argument("cmd", nargs=argparse.REMAINDER, help="the command, after --")
    from . import verify
    verify.add_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "verify":
        return verify.command(args)
    if args.command == "exec":
        return _exec(args, parser)
    return _serve(args) if args.command == "serve" else _spec(args)


def spec_text() -> str:
    from .app import create_app
    app = create_app()
    return json.dumps(app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict(),
                      indent=2, sort_keys=True) + "\n"


def _spec(args) -> int:
    text = spec_text()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    return 0


def _serve(args) -> int:
    from . import serving
    from .app import create_app
    from .control.state import StateFileError
    from .fixtures import FixtureError

    try:
        app = create_app({"FIXTURES": args.fixtures, "SEED": args.seed,
                          "RATE_LIMIT": args.rate_limit,
                          "JOURNAL_CAP": args.journal_cap, "EXPLAIN_HEADER": args.explain_header,
                          "STRICT": args.strict,
                          "DROP_CONNECTIONS": serving.DROPS_CONNECTIONS[args.server],
                          **_control_config(args)})
    except (FixtureError, StateFileError) as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    if args.strict:
        print("mockserver: strict mode: answers are checked against the OpenAPI document",
              file=sys.stderr, flush=True)
    try:
        serving.serve(app, server=args.server, host=args.host, port=args.port,
                      threads=args.threads, warm=True)
    except serving.ServeError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # a signal before the server installed its own handlers
        pass
    return 0


def _exec(args, parser) -> int:
    """Like `serve --port 0` around one command; exits with the command's exit code."""
    import os
    import subprocess
    import threading

    import waitress

    from .app import create_app
    from .fixtures import FixtureError

    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("exec needs a command after --")
    try:
        app = create_app({"FIXTURES": args.fixtures})
    except FixtureError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    try:
        return subprocess.call(cmd, env={**os.environ, "NAVIXY_MOCK_URL": url})
    except FileNotFoundError:
        print(f"mockserver: command not found: {cmd[0]}", file=sys.stderr)
        return 127
    finally:
        server.close()
        thread.join(timeout=5)


def _add_control_arguments(serve) -> None:
    import os

    serve.add_argument("--state", default=None, metavar="FILE",
                       help="start the default world from this snapshot (GET /__mock__/state); "
                            "reset still goes back to the fixture")
    serve.add_argument("--signing-key", default=os.environ.get("MOCKSERVER_SIGNING_KEY") or None,
                       metavar="KEY", help="sign exported snapshots and load only signed ones "
                                           "(--state too); env MOCKSERVER_SIGNING_KEY")
    serve.add_argument("--control-token", default=os.environ.get("MOCKSERVER_CONTROL_TOKEN") or None,
                       metavar="TOKEN", help="every /__mock__ call but health needs the header "
                                             "X-Mock-Token: TOKEN; env MOCKSERVER_CONTROL_TOKEN")
    serve.add_argument("--cors-origin", action="append", default=None, metavar="ORIGIN",
                       help="browser origin allowed by CORS, with credentials (repeatable; * for "
                            "any); default: http://localhost, 127.0.0.1 and [::1] on any port")


def _control_config(args) -> dict:
    return {"STATE_FILE": args.state, "SIGNING_KEY": args.signing_key,
            "CONTROL_TOKEN": args.control_token, "CORS_ORIGINS": args.cors_origin}


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
