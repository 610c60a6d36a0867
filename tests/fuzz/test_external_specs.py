"""Other OpenAPI documents dropped into openapi/external/ (e.g. Navixy's IoT_Logic.json, kept
offline) are checked against the fake in `make test`; with none present this is skipped."""
import io
from pathlib import Path

import pytest

from tests.fuzz.conformance import run

EXTERNAL = sorted((Path(__file__).resolve().parents[2] / "openapi" / "external").glob("*.json"))


@pytest.mark.skipif(not EXTERNAL, reason="no spec files in openapi/external/")
@pytest.mark.parametrize("spec", EXTERNAL, ids=lambda p: p.name)
def test_the_fake_conforms_to_an_external_spec(spec):
    out = io.StringIO()
    assert run(spec, "/v2", max_time=90, out=out) == 0, out.getvalue()


def test_conformance_table_lists_every_operation_of_the_projects_own_spec(tmp_path):
    # A tiny spec of one operation keeps this fast; the full run is `make conformance`.
    spec = tmp_path / "health.json"
    spec.write_text('{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {'
                    '"/__mock__/health": {"get": {"operationId": "h", "responses": {"200": {'
                    '"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}}}}}')
    out = io.StringIO()
    assert run(spec, "", max_time=30, out=out) == 0, out.getvalue()
    assert "GET /__mock__/health" in out.getvalue() and "1 operations, 0 with failures" in out.getvalue()
