"""--control-token T (or MOCKSERVER_CONTROL_TOKEN; config CONTROL_TOKEN): every /__mock__ call
except health must carry `X-Mock-Token: T`, else code 11 "Access denied" with HTTP 401.

A before_request hook, registered ahead of the namespace pick, so a refused call creates no
namespace. CORS preflights are answered before it (web/cors.py): browsers never send custom
headers on a preflight.
"""
from __future__ import annotations

import hmac

from flask import current_app, request

from ..domain import errors

HEADER = "X-Mock-Token"
PREFIX = "/__mock__"
OPEN_PATHS = frozenset({"/__mock__/health"})  # liveness probes carry no secrets


def require_control_token() -> None:
    expected = current_app._get_current_object().config.get("CONTROL_TOKEN")  # see app.py hooks
    if not expected:
        return
    path = request.path
    if path in OPEN_PATHS or not (path == PREFIX or path.startswith(PREFIX + "/")):
        return
    given = request.headers.get(HEADER, "")
    # Constant time: the comparison must not tell how much of a guess was right.
    if not hmac.compare_digest(_wire_bytes(given), expected.encode("utf-8", "surrogatepass")):
        raise errors.AccessDenied(f"Access denied: this control call needs the {HEADER} header "
                                  "(the server runs with --control-token)")


def _wire_bytes(header_value: str) -> bytes:
    try:
        return header_value.encode("latin-1")  # WSGI carries header bytes as latin-1 text
    except UnicodeEncodeError:
        return header_value.encode("utf-8", "surrogatepass")
