"""The baseline: a bare Flask "hello" app, served exactly as `mockserver serve` serves the fake
(mockserver/serving.py: same server, same settings, the same `listening on` line, SIGTERM ->
exit 0), so start-up and throughput ratios compare like with like.

    python bench/baseline_app.py --server granian --port 0
"""
from __future__ import annotations

import argparse

from flask import Flask, jsonify

app = Flask("baseline")


@app.route("/")
def hello():
    return jsonify(success=True, hello="world")


def main() -> int:
    from mockserver import serving

    parser = argparse.ArgumentParser()
    parser.add_argument("--server", choices=serving.SERVERS, default=serving.DEFAULT)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    serving.serve(app, server=args.server, host=args.host, port=args.port, threads=args.threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
