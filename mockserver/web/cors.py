"""CORS for browser front ends, by hand (two hooks, no dependency).

Allowed origins come from config CORS_ORIGINS (`serve --cors-origin ORIGIN`, repeatable): exact
origins such as https://app.example.com, or "*" for any origin. The default (None) allows
http://localhost, http://127.0.0.1 and http://[::1] on any port, where dev servers run.

An allowed origin is reflected in Access-Control-Allow-Origin with credentials allowed (a
wildcard cannot go with credentials), and the X-Mock-* and Retry-After response headers are
exposed. Any other origin gets no CORS header at all, so the browser keeps the answer from the
page. The server still answers it: CORS protects browser users, it is not access control.

A preflight (OPTIONS with Access-Control-Request-Method) from an allowed origin is answered
here, before routing, the namespace pick or the control token (browsers send no custom
headers on a preflight): HTTP 200 with {"success": true}, like every OPTIONS answer here.
"""
from __future__ import annotations

import re

from flask import current_app, request

ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
ALLOW_HEADERS = ("Authorization", "Content-Type", "X-Mock-Namespace", "X-Mock-Token")
EXPOSE_HEADERS = ("Retry-After", "X-Mock-Reason", "X-Mock-Spec-Violation")
MOCK_HEADER_PREFIX = "x-mock-"
MAX_AGE = "600"  # seconds a browser may cache a preflight answer
ANY = "*"
LOCAL_ORIGIN = re.compile(r"http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?")


def install(app) -> None:
    """Register the hooks; call before any other before_request hook."""
    app.before_request(answer_preflight)
    app.after_request(add_cors_headers)


def allowed_origin(origin: str | None) -> bool:
    if not origin:
        return False
    configured = current_app.config.get("CORS_ORIGINS")
    if configured is None:
        return LOCAL_ORIGIN.fullmatch(origin) is not None
    return ANY in configured or origin.lower() in {o.rstrip("/").lower() for o in configured}


def answer_preflight():
    req = request._get_current_object()  # not the proxy: see the hooks in app.py
    if (req.method != "OPTIONS" or "Access-Control-Request-Method" not in req.headers
            or not allowed_origin(req.headers.get("Origin"))):
        return None  # not a preflight, or a refused origin: answered as usual, no CORS headers
    response = current_app.response_class(b'{"success": true}', status=200,
                                          mimetype="application/json")
    response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
    response.headers["Access-Control-Allow-Headers"] = ", ".join(_allowed_request_headers())
    response.headers["Access-Control-Max-Age"] = MAX_AGE
    response.vary.update(("Access-Control-Request-Method", "Access-Control-Request-Headers"))
    return response  # add_cors_headers adds the origin and credentials


def add_cors_headers(response):
    # The answer depends on Origin, for caches in between. Most answers have no Vary yet: set
    # it directly, as response.vary.add would (it parses and rebuilds the header set). getlist,
    # not `in`: a missing header costs `in` a raised and caught exception.
    if response.headers.getlist("Vary"):
        response.vary.add("Origin")
    else:
        response.headers["Vary"] = "Origin"
    origin = request._get_current_object().headers.get("Origin")
    if not allowed_origin(origin):
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Credentials"] = "true"
    if "Access-Control-Allow-Methods" not in response.headers:  # not a preflight
        mock_headers = [name for name in response.headers.keys()
                        if name.lower().startswith(MOCK_HEADER_PREFIX)]
        response.headers["Access-Control-Expose-Headers"] = ", ".join(
            dict.fromkeys([*EXPOSE_HEADERS, *mock_headers]))
    return response


def _allowed_request_headers() -> list[str]:
    """The standard list plus any X-Mock-* header the preflight asks for."""
    asked = request.headers.get("Access-Control-Request-Headers", "")
    extra = [h.strip() for h in asked.split(",") if h.strip().lower().startswith(MOCK_HEADER_PREFIX)]
    known = {h.lower() for h in ALLOW_HEADERS}
    return [*ALLOW_HEADERS, *(h for h in dict.fromkeys(extra) if h.lower() not in known)]
