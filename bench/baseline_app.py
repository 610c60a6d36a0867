"""The baseline: a bare Flask "hello" app, served exactly as `mockserver serve` serves the fake.

`baseline_app:app` for granian/gunicorn; `python bench/baseline_app.py --port 0` mirrors
mockserver/cli.py (waitress.create_server, 8 threads, the same `listening on` line, SIGTERM
-> clean exit 0), so start-up and throughput ratios compare like with like.
"""
from __future__ import annotations

import argparse
import signal

from flask import Flask, jsonify

app = Flask("baseline")


@app.route("/")
def hello():
    return jsonify(success=True, hello="world")


def main() -> int:
    import waitress

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    server = waitress.create_server(app, host=args.host, port=args.port, threads=args.threads)
    signal.signal(signal.SIGTERM, _stop)
    print(f"listening on http://{args.host}:{server.effective_port}", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _stop(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    raise SystemExit(main())
