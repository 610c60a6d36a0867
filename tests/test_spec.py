"""openapi/openapi.json is generated from the code; it must not drift."""
import json
from pathlib import Path

from mockserver.cli import spec_text

COMMITTED = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def test_committed_spec_matches_the_code_run_make_spec_if_this_fails():
    assert COMMITTED.read_text(encoding="utf-8") == spec_text()


def test_served_openapi_json_is_the_committed_document(client):
    assert client.get("/openapi.json").get_json() == json.loads(COMMITTED.read_text())


def test_spec_has_no_servers_entry_naming_a_port():
    assert "servers" not in json.loads(COMMITTED.read_text())


def test_every_navixy_action_is_documented_for_get_and_post():
    paths = json.loads(COMMITTED.read_text())["paths"]
    navixy = [p for p in paths if p.startswith("/v2/")]
    assert len(navixy) == 16
    for path in navixy:
        assert {"get", "post"} <= set(paths[path]), path
        assert "application/json" in paths[path]["post"]["requestBody"]["content"], path


def test_links_chain_auth_to_key_create_to_key_delete_and_auth_to_flow_list_to_flow_read():
    paths = json.loads(COMMITTED.read_text())["paths"]
    auth_links = paths["/v2/user/auth"]["post"]["responses"]["200"]["links"]
    assert auth_links["CreateApiKey"]["operationId"] == "api_key_create_post"
    assert auth_links["ListFlows"]["operationId"] == "iot_logic_flow_list_post"
    create = paths["/v2/api/key/create"]["post"]["responses"]["200"]["links"]
    assert create["DeleteApiKey"]["operationId"] == "api_key_delete_post"
    listing = paths["/v2/iot/logic/flow/list"]["post"]["responses"]["200"]["links"]
    assert listing["ReadFlow"]["operationId"] == "iot_logic_flow_read_post"


def test_every_error_response_uses_the_navixy_envelope():
    spec = json.loads(COMMITTED.read_text())
    for name, response in spec["components"]["responses"].items():
        schema = response["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, name
