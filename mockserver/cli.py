"""`mockserver serve` and `mockserver spec`."""
from __future__ import annotations

import argparse
import json
import signal
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mockserver", description="A stateful fake of the Navixy API")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the fake over HTTP (waitress)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    serve.add_argument("--fixtures", default=None, help="fixture JSON (default: the packaged one)")
    serve.add_argument("--threads", type=int, default=8)
    spec = commands.add_parser("spec", help="write the OpenAPI document")
    spec.add_argument("-o", "--output", default="-", help="file path, or - for stdout")
    run = commands.add_parser(
        "exec", help="serve on a free port, run a command with NAVIXY_MOCK_URL set, stop",
        usage="mockserver exec [--fixtures FILE] -- CMD [ARGS...]")
    run.add_argument("--fixtures", default=None, help="fixture JSON (default: the packaged one)")
    run.add_argument("cmd", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
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
    import waitress

    from .app import create_app
    from .fixtures import FixtureError

    try:
        app = create_app({"FIXTURES": args.fixtures})
    except FixtureError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    # Headers up to 2 MiB reach the app, so a long GET query gets Navixy's code 9, not
    # waitress' plain-text 431.
    server = waitress.create_server(app, host=args.host, port=args.port, threads=args.threads,
                                    max_request_header_size=2 * 1024 * 1024)
    signal.signal(signal.SIGTERM, _stop)
    print(f"listening on http://{args.host}:{server.effective_port}", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
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


def _stop(signum, frame):
    raise KeyboardInterrupt
