"""Find the credential: body `hash`, then query `hash`, then `Authorization: NVX <hash>`."""
from __future__ import annotations

from flask import request

from ..domain import errors
from .body import request_body


def find_credential() -> object:
    """The first source present wins, even if its value is bad (that gives code 3)."""
    body = request_body()
    if "hash" in body:
        return body["hash"]
    req = request._get_current_object()  # not the proxy: see the hooks in app.py
    if "hash" in req.args:
        return req.args["hash"]
    header = req.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme != "NVX" or not value or " " in value:
        raise errors.WrongHash()
    return value
