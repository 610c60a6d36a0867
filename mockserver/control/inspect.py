"""Control plane, looking in: the journal of domain events, explain for a credential, and the
model's invariants. Each acts on the caller's namespace (X-Mock-Namespace)."""
from __future__ import annotations

from flask.views import MethodView
from webargs.multidictproxy import MultiDictProxy

from .. import schemas as s
from ..domain import explain as explaining
from ..domain import invariants
from ..domain.journal import Event
from ..formats import iso_date
from ..web.rpc import NavixyBlueprint, NavixyParser, current_world


class _InspectParser(NavixyParser):
    def load_querystring(self, req, schema):
        # Here `hash` is the credential to explain, not the caller's: keep it.
        return MultiDictProxy(req.args, schema)


class _InspectBlueprint(NavixyBlueprint):
    ARGUMENTS_PARSER = _InspectParser()


blp = _InspectBlueprint("mock-inspect", __name__, url_prefix="/__mock__",
                        description="Test controls of the mock server (not Navixy): journal, "
                                    "explain, invariants")
OPEN = {"security": []}


def event_out(event: Event) -> dict:
    return {"seq": event.seq, "at": iso_date(event.at), "type": event.type,
            "login": event.login, "detail": event.detail}


@blp.route("/journal")
class Journal(MethodView):
    @blp.arguments(s.JournalArgs, location="query")
    @blp.response(200, s.JournalPage)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.doc(operationId="mock_journal_get", summary="Domain events, oldest first",
             description="Logins, logouts, expiries, key and flow changes, refused credentials. "
                         "Bounded: past the cap (default 10,000) the oldest events drop.", **OPEN)
    def get(self, args):
        events, last_seq = current_world().journal.read(args["since"])
        return {"events": [event_out(e) for e in events], "last_seq": last_seq}

    @blp.response(200, s.Success)
    @blp.doc(operationId="mock_journal_clear", summary="Forget every event (seq keeps counting)",
             **OPEN)
    def delete(self):
        current_world().journal.clear()
        return {}


@blp.route("/explain")
class Explain(MethodView):
    @blp.arguments(s.ExplainArgs, location="query")
    @blp.response(200, s.Explanation)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.doc(operationId="mock_explain", summary="Why a credential works or is refused",
             description="Read-only: neither refreshes nor expires the session it explains.",
             **OPEN)
    def get(self, args):
        found = explaining.explain(current_world(), args["hash"])
        return {"valid": found.valid, "kind": found.kind, "login": found.login,
                "reason": found.reason, "at": None if found.at is None else iso_date(found.at),
                "detail": found.detail}


@blp.route("/invariants")
class Invariants(MethodView):
    @blp.response(200, s.InvariantReport)
    @blp.doc(operationId="mock_invariants", summary="Model invariants that do not hold",
             description="Empty when the state is consistent: at most 20 keys per account, no "
                         "live session idle 30 days or issued before its user's last password "
                         "change, every key and flow owned by an existing account owner.", **OPEN)
    def get(self):
        return {"violations": [{"rule": v.rule, "subject": v.subject, "message": v.message}
                               for v in invariants.check(current_world())]}
