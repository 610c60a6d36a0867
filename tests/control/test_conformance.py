"""GET /__mock__/conformance: per-operation counts of what clients sent."""
from tests.helpers import OWNER


def report(client, headers=None):
    return {row["operation"]: row for row in client.get("/__mock__/conformance", headers=headers).get_json()["operations"]}


def test_calls_are_counted_per_operation_with_ok_invalid_and_codes(client):
    client.post("/v2/user/auth", json={"login": OWNER, "password": "owner-password"})
    client.post("/v2/user/auth", json={"login": OWNER, "password": "wrong"})
    client.post("/v2/user/auth", json={"login": OWNER})
    client.get("/v2/user/auth", query_string={"login": OWNER, "password": "owner-password", "bogus": 1})
    rows = report(client)
    assert rows["POST /v2/user/auth"] == {"operation": "POST /v2/user/auth", "count": 3, "ok": 1,
                                          "invalid": 1, "codes": {"102": 1, "7": 1}}
    assert rows["GET /v2/user/auth"]["invalid"] == 1


def test_control_calls_and_unknown_paths_are_not_counted(client):
    client.get("/__mock__/health")
    client.get("/v2/nope")
    assert report(client) == {}


def test_the_summary_belongs_to_the_callers_namespace(client):
    ns = {"X-Mock-Namespace": "qa"}
    client.post("/v2/user/auth", json={"login": OWNER, "password": "x"}, headers=ns)
    assert "POST /v2/user/auth" in report(client, ns)
    assert report(client) == {}


def test_a_malformed_request_is_journaled_as_request_invalid_with_each_parameter(client):
    client.post("/v2/user/auth", json={"login": OWNER, "bogus": 1})
    client.post("/v2/user/auth", data=b"{nope", content_type="application/json")
    events = [e for e in client.get("/__mock__/journal").get_json()["events"] if e["type"] == "request_invalid"]
    assert [e["detail"]["code"] for e in events] == [7, 5]
    assert {"parameter": "bogus", "error": "Unknown field."} in events[0]["detail"]["errors"]
    assert {"parameter": "password", "error": "Missing data for required field."} in events[0]["detail"]["errors"]
    assert events[0]["detail"]["path"] == "/v2/user/auth" and events[0]["detail"]["method"] == "POST"
