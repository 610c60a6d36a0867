"""The pytest plugin as users run it: the README example, serially, under xdist, and against
an external server (--navixy-mock-url)."""
import subprocess
import sys
from pathlib import Path

from tests.live import LiveServer

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "test_navixy_client_example.py"


def run_pytest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(EXAMPLE), *args],
                          capture_output=True, text=True, timeout=240, cwd=EXAMPLE.parent)


def test_readme_example_passes_serially():
    result = run_pytest()
    assert result.returncode == 0, result.stdout[-4000:]
    assert "10 passed" in result.stdout


def test_readme_example_passes_in_parallel_with_xdist():
    result = run_pytest("-n", "2")
    assert result.returncode == 0, result.stdout[-4000:]
    assert "10 passed" in result.stdout


def test_readme_example_passes_against_an_external_server():
    server = LiveServer()
    try:
        result = run_pytest("--navixy-mock-url", server.url)
        assert result.returncode == 0, result.stdout[-4000:]
    finally:
        server.stop()


def test_navixy_mock_fixture_gives_each_test_its_own_namespace_url(navixy_mock):
    assert navixy_mock.url.startswith(navixy_mock.server_url + "/__ns__/")
    session = navixy_mock.login("owner@example.com", "owner-password")
    assert navixy_mock.call("/v2/user/get_info", hash=session)["user_info"]["login"] == "owner@example.com"
