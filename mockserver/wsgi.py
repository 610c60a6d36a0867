"""`mockserver.wsgi:app` for any WSGI server (granian, gunicorn -w 1, waitress-serve).

Fixture path from MOCKSERVER_FIXTURES; MOCKSERVER_CONTROL_TOKEN and MOCKSERVER_SIGNING_KEY as
for `mockserver serve`; MOCKSERVER_SEED and MOCKSERVER_RATE_LIMIT as its --seed and --rate-limit.
One process only: the store is in memory.
"""
import os

from .app import create_app

app = create_app({"FIXTURES": os.environ.get("MOCKSERVER_FIXTURES") or None,
                  "CONTROL_TOKEN": os.environ.get("MOCKSERVER_CONTROL_TOKEN") or None,
                  "SIGNING_KEY": os.environ.get("MOCKSERVER_SIGNING_KEY") or None,
                  "SEED": int(os.environ.get("MOCKSERVER_SEED") or 0),
                  "RATE_LIMIT": int(os.environ.get("MOCKSERVER_RATE_LIMIT") or 0) or None})
