"""The CLI as CI uses it: serve on port 0, the listening line, clean stop, spec output."""
import json
import signal
import subprocess
import sys
import urllib.request

import pytest

from tests.live import LiveServer


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_on_port_0_prints_listening_line_serves_and_exits_0_on_signal(sig):
    server = LiveServer()
    assert server.url.startswith("http://127.0.0.1:") and not server.url.endswith(":0")
    assert get_json(f"{server.url}/__mock__/health") == {"status": "ok"}
    assert server.stop(sig) == 0


def test_serve_with_a_custom_fixture_file(tmp_path):
    fixture = tmp_path / "one-user.json"
    fixture.write_text(json.dumps({"users": [{"id": 1, "login": "me@example.com", "password": "secret-1"}]}))
    server = LiveServer("--fixtures", str(fixture))
    try:
        request = urllib.request.Request(
            f"{server.url}/v2/user/auth?login=me@example.com&password=secret-1")
        assert get_json(request.full_url)["success"] is True
    finally:
        server.stop()


def test_serve_with_a_broken_fixture_exits_2_with_a_message(tmp_path):
    fixture = tmp_path / "bad.json"
    fixture.write_text('{"users": [{"login": "no-id"}]}')
    result = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--port", "0",
                             "--fixtures", str(fixture)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "invalid fixture" in result.stderr


def test_spec_command_writes_the_openapi_document(tmp_path):
    out = tmp_path / "spec.json"
    subprocess.run([sys.executable, "-m", "mockserver", "spec", "-o", str(out)], check=True, timeout=60)
    document = json.loads(out.read_text())
    assert document["openapi"].startswith("3.1")
    assert "/v2/user/auth" in document["paths"]
