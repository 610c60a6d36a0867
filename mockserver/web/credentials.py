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
    if "hash" in request.args:
        return request.args["hash"]
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme != "NVX" or not value or " " in value:
        raise errors.WrongHash()
    return value
