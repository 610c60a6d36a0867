"""`mockserver.wsgi:app` for any WSGI server (granian, gunicorn -w 1, waitress-serve).

Fixture path from MOCKSERVER_FIXTURES. One process only: the store is in memory.
"""
import os

from .app import create_app

app = create_app({"FIXTURES": os.environ.get("MOCKSERVER_FIXTURES") or None})
