"""GET/PUT /__mock__/state: the caller's world as a versioned snapshot, and `serve --state FILE`.

The conversion is domain/snapshot.py; this module is the wire: the schema check, the optional
itsdangerous signature (--signing-key, config SIGNING_KEY) and the HTTP operations.

With a signing key, GET answers {"version": 1, "signed": "<token>"} and PUT (and --state)
accept only such a document with a valid signature; without one, GET answers the plain
document and PUT refuses a signed one, since it cannot check it.
"""
from __future__ import annotations

import json
from pathlib import Path

from flask import current_app, request
from flask.views import MethodView
from itsdangerous import BadData, URLSafeSerializer
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from .. import schemas as s
from ..domain import errors, snapshot
from ..domain.world import World
from ..web.api import _flatten  # the one marshmallow-messages -> errors[] conversion
from ..web.body import request_body
from ..web.rpc import NavixyBlueprint, current_world

SALT = "navixy-mock-state-v1"  # also the signed format's version
INVALID = "Invalid state snapshot"

blp = NavixyBlueprint("mock-state", __name__, url_prefix="/__mock__",
                      description="State snapshots (not Navixy): export and load the whole "
                                  "state of the caller's world")
TAG = {"security": []}
EITHER_FORM = {"application/json": {"schema": {"oneOf": [s.StateDocument, s.SignedState]}}}


class StateFileError(ValueError):
    """`serve --state FILE` could not load the file; the message says why."""


# ---- the document ---------------------------------------------------------------------------

def export_document(world: World, signing_key: str | None) -> dict:
    document = snapshot.capture(world)
    if signing_key:
        return {"version": snapshot.VERSION, "signed": _serializer(signing_key).dumps(document)}
    return document


def read_document(body: object, signing_key: str | None) -> snapshot.State:
    """Check a document (plain or signed) and build the state it describes; nothing is swapped
    in yet. Raises InvalidParameters (code 7) with errors[] naming every bad field."""
    if not isinstance(body, dict) or isinstance(body, MultiDict):
        raise errors.WrongRequestFormat("Wrong request format: a snapshot is a JSON object")
    if signing_key:
        if "signed" not in body:
            raise _invalid("signed", "this server signs snapshots (--signing-key): send "
                                     '{"version": 1, "signed": "<token>"} as GET /__mock__/state gives it')
        token = _load(s.SignedState, body)["signed"]
        try:
            body = _serializer(signing_key).loads(token)
        except BadData:
            raise _invalid("signed", "bad signature: the snapshot was changed, or signed with "
                                     "another key") from None
    elif "signed" in body:
        raise _invalid("signed", "this server has no --signing-key, so it cannot check a signed "
                                 "snapshot; send the plain document")
    return snapshot.build(_load(s.StateDocument, body))


def load_state_file(path: str | Path, signing_key: str | None) -> snapshot.State:
    """`serve --state FILE`: the same checks as PUT /__mock__/state."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        return read_document(document, signing_key)
    except (OSError, ValueError) as exc:
        raise StateFileError(f"cannot load state file {path}: {exc}") from exc
    except errors.NavixyError as exc:
        detail = "; ".join(f"{e['parameter']}: {e['error']}" for e in exc.errors or [])
        raise StateFileError(f"invalid state file {path}: {detail or exc.description}") from exc


def restore_file(world: World, path: str | Path, signing_key: str | None) -> None:
    snapshot.restore(world, load_state_file(path, signing_key))


def _load(schema: type[Schema], body: dict) -> dict:
    try:
        return schema().load(body)
    except ValidationError as exc:
        raise errors.InvalidParameters(INVALID, errors=_flatten({"body": exc.messages})) from None


def _invalid(parameter: str, error: str) -> errors.InvalidParameters:
    return errors.InvalidParameters(INVALID, errors=[{"parameter": parameter, "error": error}])


def _serializer(signing_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(signing_key, salt=SALT)


# ---- HTTP -----------------------------------------------------------------------------------

@blp.route("/state")
class StateSnapshot(MethodView):
    @blp.response(200, description="The snapshot; {version, signed} with --signing-key")
    @blp.doc(operationId="mock_state_get", summary="Export the caller's world",
             description="Users (with passwords), sessions (created, last used), API keys, "
                         "flows, the next flow id and the clock, as versioned JSON. Instants "
                         "are RFC 3339 UTC to the microsecond; export, load, export gives the "
                         "same document.",
             responses={200: {"content": EITHER_FORM}}, **TAG)
    def get(self):
        return export_document(current_world(), current_app.config.get("SIGNING_KEY"))

    @blp.response(200, s.Success)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.doc(operationId="mock_state_put", summary="Load a snapshot into the caller's world",
             description="Replaces the whole state and the clock in one step; a document that "
                         "fails a check (code 7, errors[] names each field) changes nothing. "
                         "POST /__mock__/reset still returns to the fixture.",
             requestBody={"required": True, "content": EITHER_FORM}, **TAG)
    def put(self):
        request.max_content_length = current_app.config["STATE_MAX_CONTENT_LENGTH"]
        state = read_document(request_body(), current_app.config.get("SIGNING_KEY"))
        snapshot.restore(current_world(), state)
        return {}
