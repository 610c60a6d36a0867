"""Every marshmallow schema: Navixy requests and responses, the error envelope, the control
plane and the fixture file. openapi/openapi.json is generated from these.

Request schemas reject unknown fields (Navixy code 7 names them); response schemas do not
claim `additionalProperties: false`, because Navixy tells clients to tolerate extra fields.
"""
from __future__ import annotations


from decimal import Decimal, InvalidOperation

from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing, validate
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA

from .domain import faults, flows, keys, sessions
from .formats import parse_instant, parse_json
from .domain import invariants, journal

# Printable = no C0/C1 control characters. Anchored and matched in full (see FullMatch).
PRINTABLE = r"^[^\x00-\x1f\x7f-\x9f]*$"
HASH_REGEX = r"^[0-9a-fA-F]{32}$"


class FullMatch(validate.Regexp):
    """Regexp whose `$` cannot match before a trailing newline, as in JSON Schema."""

    def __call__(self, value):
        if not isinstance(value, str) or self.regex.fullmatch(value) is None or not _encodable(value):
            raise ValidationError(self._format_error(value))
        return value


def _encodable(value: str) -> bool:
    """False for lone surrogates: JSON can carry them, Unicode text cannot."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(min_len: int, max_len: int) -> list:
    return [validate.Length(min=min_len, max=max_len),
            FullMatch(PRINTABLE, error="must contain printable characters only")]


class Args(Schema):
    """Base of request schemas: unknown parameters are an error (code 7)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Whether load({}) can only give {}: nothing is required, nothing has a default to fill
        # in, no hook runs on load. Then a call that sends no parameter (the usual one) skips
        # webargs and marshmallow (web/rpc.py).
        self.empty_loads_empty = not self.many and not any(
            self._hooks.get(tag) for tag in (PRE_LOAD, POST_LOAD, VALIDATES, VALIDATES_SCHEMA)
        ) and all(not f.required and f.load_default is missing for f in self.load_fields.values())


class Result(Schema):
    class Meta:
        unknown = EXCLUDE

    success = fields.Boolean(required=True, dump_default=True, metadata={"enum": [True]})


def hash_field() -> fields.Raw:
    # Raw, so a non-string hash reaches the credential check and gets code 3, not 7.
    return fields.Raw(load_only=True, metadata={
        "type": "string", "pattern": HASH_REGEX,
        "description": "Session hash or API key. Also accepted as ?hash= or "
                       "`Authorization: NVX <hash>`; the body wins, then the query, then the header."})


def ignored_hash_field() -> fields.Raw:
    # Calls that need no credential (user/auth) accept and ignore one: SDKs send it everywhere.
    return fields.Raw(load_only=True, allow_none=True, metadata={"description": "Ignored on this call."})


class FlexibleInteger(fields.Integer):
    """An integer from JSON (3, 3.0) or from query/form text ("3", "3.0", "3e0"); never a bool.
    JSON Schema calls all of these the integer 3, so the server must too."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str):
            try:
                number = Decimal(value)
            except InvalidOperation:
                raise self.make_error("invalid") from None
            # adjusted() bounds the exponent, so "1e999999999" cannot become a huge int.
            if not number.is_finite() or number.adjusted() > 30 or number != number.to_integral_value():
                raise self.make_error("invalid")
            value = int(number)
        elif isinstance(value, float):
            if not value.is_integer():
                raise self.make_error("invalid")
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


class JsonNested(fields.Nested):
    """A nested object that form and query clients send as a JSON string (Navixy's JS SDK does)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = parse_json(value, lambda _msg: ValidationError("must be a JSON object"))
        return super()._deserialize(value, attr, data, **kwargs)


class WholeNumber(fields.Integer):
    """JSON Schema's integer inside JSON objects: 3 and 3.0 are integers; "3" and true are not."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        if isinstance(value, float):
            if not value.is_integer():
                raise self.make_error("invalid")
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


# ---- errors -------------------------------------------------------------------------------

class ErrorStatus(Schema):
    code = fields.Integer(required=True)
    description = fields.String(required=True)


class ErrorDetail(Schema):
    """Code 7: parameter + error. Code 292 (IoT Logic): node_ids, parameters, message."""
    class Meta:
        unknown = EXCLUDE

    parameter = fields.String()
    error = fields.String()
    node_ids = fields.List(fields.Integer())
    parameters = fields.List(fields.String())
    message = fields.String()


class ErrorEnvelope(Schema):
    success = fields.Boolean(required=True, metadata={"enum": [False]})
    status = fields.Nested(ErrorStatus, required=True)
    errors = fields.List(fields.Nested(ErrorDetail))


# ---- user/* ---------------------------------------------------------------------------------

class AuthArgs(Args):
    login = fields.String(required=True, validate=validate.Length(min=1, max=255))
    password = fields.String(required=True, validate=validate.Length(min=1, max=40))
    dealer_id = FlexibleInteger(validate=validate.Range(min=0, max=2**31 - 1))


class AuthResult(Result):
    type = fields.String(required=True, metadata={"enum": ["authenticated"]})
    hash = fields.String(required=True, metadata={"pattern": HASH_REGEX})


class NoArgs(Args):
    pass


class GetInfoArgs(Args):
    application = fields.String(validate=validate.Length(max=255))


class PasswordSetArgs(Args):
    old_password = fields.String(required=True, validate=validate.Length(min=1, max=255))
    new_password = fields.String(required=True, validate=printable(
        sessions.PASSWORD_MIN_LENGTH, sessions.PASSWORD_MAX_LENGTH))


class Success(Result):
    pass


class UserInfo(Schema):
    id = fields.Integer(required=True)
    login = fields.String(required=True)
    title = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    creation_date = fields.String(required=True, metadata={"example": "2024-03-01 09:00:00"})
    balance = fields.Float(required=True)
    bonus = fields.Float(required=True)
    locale = fields.String(required=True)
    demo = fields.Boolean(required=True)
    verified = fields.Boolean(required=True)
    legal_type = fields.String(required=True)
    time_zone = fields.String(required=True)
    measurement_system = fields.String(required=True)


class MasterInfo(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    demo = fields.Boolean(required=True)
    legal_type = fields.String(required=True)
    balance = fields.Float(required=True)
    bonus = fields.Float(required=True)


class Privileges(Schema):
    rights = fields.List(fields.String(), required=True)


class GetInfoResult(Result):
    paas_id = fields.Integer(required=True)
    paas_settings = fields.Dict(required=True)
    user_info = fields.Nested(UserInfo, required=True)
    tariff_restrictions = fields.Dict(required=True)
    premium_gis = fields.Boolean(required=True)
    features = fields.List(fields.String(), required=True)
    user_menu = fields.Dict(required=True)
    master = fields.Nested(MasterInfo, metadata={"description": "Only for sub-users"})
    privileges = fields.Nested(Privileges, metadata={"description": "Only for sub-users"})


# ---- API keys -------------------------------------------------------------------------------

class KeyCreateArgs(Args):
    title = fields.String(required=True, validate=printable(1, keys.TITLE_MAX_LENGTH))


class KeyDeleteArgs(Args):
    key = fields.String(required=True, validate=validate.Length(min=1, max=255))


class UserKeyDeleteArgs(Args):
    api_key = fields.String(required=True, validate=validate.Length(min=1, max=255))


class ApiKeyOut(Schema):
    hash = fields.String(required=True, metadata={"pattern": HASH_REGEX})
    create_date = fields.String(required=True, metadata={"example": "2021-10-29 12:00:36"})
    title = fields.String(required=True)


class KeyCreateResult(Result):
    value = fields.Nested(ApiKeyOut, required=True)


class UserKeyCreateResult(Result):
    value = fields.String(required=True, metadata={
        "pattern": HASH_REGEX, "description": "The new key's hash (shape of the withdrawn 2025-06-04 draft)"})


class KeyListResult(Result):
    list = fields.List(fields.Nested(ApiKeyOut), required=True)


# ---- IoT Logic flows ------------------------------------------------------------------------

INT32 = validate.Range(min=-(2**31), max=2**31 - 1)


def free_object() -> dict:
    """Node `data` and `view` are free-form; capped so one flow stays a reasonable size."""
    return {"validate": validate.Length(max=flows.MAX_OBJECT_KEYS),
            "metadata": {"maxProperties": flows.MAX_OBJECT_KEYS}}


class Node(Args):
    id = WholeNumber(required=True, validate=INT32)
    type = fields.String(required=True, validate=validate.OneOf(flows.NODE_TYPES))
    data = fields.Dict(load_default=dict, **free_object())
    view = fields.Dict(**free_object())


class Edge(Args):
    from_ = WholeNumber(required=True, data_key="from", attribute="from",
                           validate=INT32)
    to = WholeNumber(required=True, validate=INT32)
    type = fields.String(load_default="simple_edge", validate=validate.OneOf(flows.EDGE_TYPES))


class FlowDraft(Args):
    title = fields.String(required=True, validate=printable(1, flows.TITLE_MAX_LENGTH))
    description = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=4096))
    enabled = fields.Boolean(load_default=False)
    nodes = fields.List(fields.Nested(Node), load_default=list,
                        validate=validate.Length(max=flows.MAX_NODES))
    edges = fields.List(fields.Nested(Edge), load_default=list,
                        validate=validate.Length(max=flows.MAX_EDGES))


class FlowFull(FlowDraft):
    id = WholeNumber(required=True, validate=INT32)


class FlowCreateArgs(Args):
    flow = JsonNested(FlowDraft, required=True)


class FlowUpdateArgs(Args):
    flow = JsonNested(FlowFull, required=True)


class FlowIdArgs(Args):
    flow_id = FlexibleInteger(required=True, validate=INT32)


class FlowInfo(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True, allow_none=True)
    enabled = fields.Boolean(required=True)
    modified = fields.String(required=True, metadata={"format": "date-time", "example": "2024-01-15T10:30:00Z"})
    devices_count = fields.Integer(required=True)


class FlowListResult(Result):
    list = fields.List(fields.Nested(FlowInfo), required=True)


class NodeOut(Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True)
    data = fields.Dict(required=True)
    view = fields.Dict()


class EdgeOut(Schema):
    from_ = fields.Integer(required=True, data_key="from", attribute="from")
    to = fields.Integer(required=True)
    type = fields.String(required=True)


class FlowOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True, allow_none=True)
    enabled = fields.Boolean(required=True)
    nodes = fields.List(fields.Nested(NodeOut), required=True)
    edges = fields.List(fields.Nested(EdgeOut), required=True)


class FlowReadResult(Result):
    value = fields.Nested(FlowOut, required=True)


class IdResult(Result):
    id = fields.Integer(required=True)


# ---- control plane --------------------------------------------------------------------------

class Health(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok"]})


class ClockState(Schema):
    now = fields.String(required=True, metadata={"format": "date-time", "example": "2026-01-01T00:00:00Z"})


class OperationCalls(Schema):
    operation = fields.String(required=True, metadata={"example": "POST /v2/user/auth"})
    count = fields.Integer(required=True)
    ok = fields.Integer(required=True)
    invalid = fields.Integer(required=True, metadata={"description": "answered with code 5 or 7"})
    codes = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class ConformanceReport(Schema):
    operations = fields.List(fields.Nested(OperationCalls), required=True)


class NamespaceList(Schema):
    namespaces = fields.List(fields.String(), required=True)


class ClockAdvanceArgs(Args):
    seconds = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, max=10**10))


class ClockSetArgs(Args):
    # No `format: date-time`: that is RFC 3339, which needs a zone; a time without one is
    # accepted and read as UTC.
    now = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={
        "example": "2026-01-01T00:00:00Z",
        "description": "ISO 8601 date and time; without a zone it is read as UTC"})


# ---- control plane: journal, explain, invariants ----------------------------------------------

EXPLAIN_REASONS = ("valid", "malformed", "unknown", journal.EXPIRED, journal.LOGGED_OUT,
                   journal.PASSWORD_CHANGED, journal.REVOKED)
ISO_AT = {"format": "date-time", "example": "2026-01-01T00:00:00Z"}


class JournalArgs(Args):
    since = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={
        "description": "Only events with a greater seq (default 0: every event kept)"})


class JournalEvent(Schema):
    seq = fields.Integer(required=True, metadata={"description": "Per world; never reused"})
    at = fields.String(required=True, metadata={**ISO_AT, "description": "On the mock clock"})
    type = fields.String(required=True, metadata={"enum": list(journal.EVENT_TYPES)})
    login = fields.String(required=True, allow_none=True)
    detail = fields.Dict(required=True, metadata={
        "description": "Per type; credentials only redacted (first 4 characters + '…')"})


class JournalPage(Schema):
    events = fields.List(fields.Nested(JournalEvent), required=True)
    last_seq = fields.Integer(required=True, metadata={
        "description": "The newest seq so far (0: none): the next `since` for polling"})


class ExplainArgs(Args):
    hash = fields.String(required=True, metadata={"description": "The credential to explain"})


class Explanation(Schema):
    valid = fields.Boolean(required=True)
    kind = fields.String(required=True, allow_none=True,
                         metadata={"enum": ["session", "api_key", None]})
    login = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True, metadata={"enum": list(EXPLAIN_REASONS)})
    at = fields.String(required=True, allow_none=True, metadata={
        **ISO_AT, "description": "When it stopped working (null while it works, or unknown)"})
    detail = fields.String(required=True)


class Violation(Schema):
    rule = fields.String(required=True, metadata={"enum": list(invariants.RULES)})
    subject = fields.String(required=True, metadata={"example": "account owner@example.com"})
    message = fields.String(required=True)


class InvariantReport(Schema):
    violations = fields.List(fields.Nested(Violation), required=True)


# ---- control plane: faults -----------------------------------------------------------------

class JsonBoolean(fields.Boolean):
    """true or false only (marshmallow's Boolean also takes 1, "yes", "on")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class JsonNumber(fields.Float):
    """A JSON number only (marshmallow's Float also parses "0.5" and true)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class FaultMatch(Args):
    path = fields.String(required=True, validate=[
        validate.Length(min=1, max=1024),
        FullMatch(r"^[/*][^\x00-\x1f\x7f-\x9f]*$", error="a path such as /v2/user/auth, or a "
                  "glob where * is any run of characters (/v2/iot/logic/*)")],
        metadata={"example": "/v2/user/auth"})
    method = fields.String(validate=validate.OneOf(faults.METHODS), metadata={
        "description": "Absent: every method except OPTIONS"})
    login = fields.String(validate=validate.Length(min=1, max=255), metadata={
        "description": "The login behind the request's hash, or the login parameter of "
                       "/v2/user/auth"})


class FaultAction(Args):
    delay_ms = WholeNumber(validate=validate.Range(min=0, max=faults.MAX_DELAY_MS))
    status = WholeNumber(validate=validate.Range(min=400, max=599), metadata={
        "description": "HTTP status; default: the error table's for `code`"})
    code = WholeNumber(validate=validate.Range(min=1, max=9999), metadata={
        "description": "Navixy error code; default with `status`: 15 for 429, 8 for 503, else 6"})
    retry_after = WholeNumber(validate=validate.Range(min=0, max=86400), metadata={
        "description": "Retry-After seconds; default 1 for code 15 or status 429"})
    drop_connection = JsonBoolean(metadata={
        "description": "Close the connection without an answer (not with status/code)"})


class FaultCreateArgs(Args):
    match = fields.Nested(FaultMatch, required=True)
    action = fields.Nested(FaultAction, required=True)
    times = WholeNumber(validate=validate.Range(min=1, max=10**6), metadata={
        "description": "Fire this many times, then disappear; default: until deleted"})
    probability = JsonNumber(allow_nan=False, validate=validate.Range(min=0, max=1), metadata={
        "description": "Chance to fire on each matching call (seeded); default 1"})


class FaultId(Schema):
    id = fields.String(required=True, metadata={"example": "f1"})


class FaultMatchOut(Schema):
    path = fields.String(required=True)
    method = fields.String()
    login = fields.String()


class FaultActionOut(Schema):
    delay_ms = fields.Integer(required=True)
    status = fields.Integer()
    code = fields.Integer()
    retry_after = fields.Integer()
    drop_connection = fields.Boolean(required=True)


class FaultOut(Schema):
    id = fields.String(required=True)
    match = fields.Nested(FaultMatchOut, required=True)
    action = fields.Nested(FaultActionOut, required=True)
    times = fields.Integer(required=True, allow_none=True, metadata={"description": "left; null = no limit"})
    probability = fields.Float(required=True, allow_none=True)
    fired = fields.Integer(required=True)


class FaultList(Schema):
    faults = fields.List(fields.Nested(FaultOut), required=True)


# ---- control plane: state snapshots (domain/snapshot.py) ------------------------------------

class Instant(fields.String):
    """A moment in a snapshot: RFC 3339 with a zone, to the microsecond; loads as epoch seconds."""

    def __init__(self, *, metadata: dict | None = None, **kwargs) -> None:
        super().__init__(metadata={"format": "date-time", "example": "2026-01-01T00:00:00Z",
                                   **(metadata or {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_instant(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


def snapshot_version() -> WholeNumber:
    return WholeNumber(required=True, validate=validate.Equal(1),
                       metadata={"description": "Format version; 1 is the only one so far"})


class StateClock(Args):
    now = Instant(required=True)
    frozen = JsonBoolean(required=True, metadata={
        "description": "true: time stands still; false: it runs on from `now`"})


class StateUser(Args):
    id = WholeNumber(required=True)
    login = fields.String(required=True, validate=validate.Length(min=1))
    password = fields.String(required=True, validate=validate.Length(min=1))
    title = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    activated = JsonBoolean(required=True)
    master_id = WholeNumber(required=True, allow_none=True, metadata={
        "description": "The owner's id for a sub-user, null for an account owner"})
    dealer_id = WholeNumber(required=True)
    creation_date = Instant(required=True)
    locale = fields.String(required=True)
    time_zone = fields.String(required=True)
    privileges = fields.List(fields.String(), required=True)
    password_changed_at = Instant(load_default=None, allow_none=True, metadata={
        "description": "Last user/password/set; null if never. No session may be older"})


class StateSession(Args):
    hash = fields.String(required=True, validate=FullMatch(HASH_REGEX))
    user_id = WholeNumber(required=True)
    created_at = Instant(required=True)
    last_used = Instant(required=True, metadata={"description": "idle expiry counts from here"})


class StateApiKey(Args):
    hash = fields.String(required=True, validate=FullMatch(HASH_REGEX))
    owner_id = WholeNumber(required=True, metadata={"description": "the account owner's user id"})
    title = fields.String(required=True)
    created_at = Instant(required=True)


class StateFlow(FlowFull):
    owner_id = WholeNumber(required=True, metadata={"description": "the account owner's user id"})
    enabled = JsonBoolean(required=True)
    modified = Instant(required=True)


class StateDocument(Args):
    """GET /__mock__/state without a signing key; PUT /__mock__/state takes it back."""
    version = snapshot_version()
    clock = fields.Nested(StateClock, required=True)
    users = fields.List(fields.Nested(StateUser), required=True)
    sessions = fields.List(fields.Nested(StateSession), required=True)
    api_keys = fields.List(fields.Nested(StateApiKey), required=True)
    flows = fields.List(fields.Nested(StateFlow), required=True)
    next_flow_id = WholeNumber(required=True, validate=validate.Range(min=1, max=2**31), metadata={
        "description": "The id the next flow/create gets"})


class SignedState(Args):
    """The same document signed with --signing-key (itsdangerous, salt navixy-mock-state-v1)."""
    version = snapshot_version()
    signed = fields.String(required=True, validate=validate.Length(min=1), metadata={
        "description": "URL-safe signed token of a StateDocument"})


# ---- fixture file (fixtures/default.json) ---------------------------------------------------

class FixtureClock(Schema):
    start = fields.String(metadata={"description": "ISO 8601; default: real time"})
    frozen = fields.Boolean(load_default=False)


class FixtureUser(Schema):
    id = fields.Integer(required=True, strict=True)
    login = fields.String(required=True, validate=validate.Length(min=1))
    password = fields.String(required=True, validate=validate.Length(min=1))
    title = fields.String(load_default="")
    first_name = fields.String(load_default="")
    last_name = fields.String(load_default="")
    activated = fields.Boolean(load_default=True)
    master = fields.String(load_default=None, metadata={"description": "login of the owner (sub-users)"})
    dealer_id = fields.Integer(load_default=1)
    creation_date = fields.String(load_default="2024-01-01 00:00:00")
    locale = fields.String(load_default="en_US")
    time_zone = fields.String(load_default="UTC")
    privileges = fields.List(fields.String(), load_default=list)


class FixtureKey(Schema):
    owner = fields.String(required=True)
    hash = fields.String(required=True, validate=FullMatch(r"[0-9a-f]{32}"))
    title = fields.String(required=True)
    create_date = fields.String(load_default="2024-01-01 00:00:00")


class FixtureFlow(FlowFull):
    owner = fields.String(required=True)
    modified = fields.String(load_default="2024-01-01T00:00:00Z")


class FixtureFile(Schema):
    clock = fields.Nested(FixtureClock, load_default=None)
    users = fields.List(fields.Nested(FixtureUser), required=True)
    api_keys = fields.List(fields.Nested(FixtureKey), load_default=list)
    flows = fields.List(fields.Nested(FixtureFlow), load_default=list)
