"""`mockserver exec -- CMD`: a server for the lifetime of one command."""
import subprocess
import sys

PROBE = ("import json, os, sys, urllib.request;"
         "url = os.environ['NAVIXY_MOCK_URL'];"
         "body = json.load(urllib.request.urlopen(url + '/__mock__/health', timeout=10));"
         "print(url); sys.exit(0 if body == {'status': 'ok'} else 1)")


def mockserver_exec(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mockserver", "exec", "--", *cmd],
                          capture_output=True, text=True, timeout=60)


def test_exec_exports_the_url_of_a_running_server_to_the_command():
    result = mockserver_exec(sys.executable, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("http://127.0.0.1:")


def test_exec_exits_with_the_commands_exit_code():
    assert mockserver_exec(sys.executable, "-c", "raise SystemExit(7)").returncode == 7


def test_exec_stops_the_server_when_the_command_ends():
    result = mockserver_exec(sys.executable, "-c", "import os; print(os.environ['NAVIXY_MOCK_URL'])")
    url = result.stdout.strip()
    probe = subprocess.run([sys.executable, "-c", f"import urllib.request; urllib.request.urlopen('{url}/__mock__/health', timeout=2)"],
                           capture_output=True, text=True, timeout=30)
    assert probe.returncode != 0


def test_exec_without_a_command_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "mockserver", "exec"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
