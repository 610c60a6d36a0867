"""Parse a request body once: JSON object, form, or nothing. Bad JSON is Navixy's code 5."""
from __future__ import annotations

from flask import Request, request
from werkzeug.datastructures import MultiDict

from ..domain import errors
from ..formats import parse_json

_CACHE = "navixy.body"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def request_body() -> dict | MultiDict:
    """The body's parameters ({} when there is none). GET bodies are ignored, as in Navixy."""
    req = request._get_current_object()  # not the proxy: see the hooks in app.py
    cached = req.environ.get(_CACHE)
    if cached is None:
        cached = req.environ[_CACHE] = _parse(req)
    return cached


def _parse(req: Request) -> dict | MultiDict:
    if req.method == "GET":
        return {}
    if req.mimetype in FORM_TYPES:
        return req.form
    raw = req.get_data(cache=True)  # raises 413 past MAX_CONTENT_LENGTH -> code 9
    if not raw.strip():
        return {}
    # Any other content type is read as JSON: some IoT clients post JSON as text/plain.
    data = parse_json(raw, errors.WrongRequestFormat)
    if not isinstance(data, dict):
        raise errors.WrongRequestFormat("Wrong request format: the body must be a JSON object")
    return data
