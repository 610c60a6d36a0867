"""Start `mockserver serve --port 0` as a real process and stop it by its PID."""
from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time

LISTENING = re.compile(r"listening on (http://\S+)")


class LiveServer:
    def __init__(self, *args: str, env: dict | None = None, strict: bool | None = None) -> None:
        """strict (default, unless MOCKSERVER_TEST_STRICT=0): `serve --strict`, so every answer
        is checked against the spec."""
        if strict is None:
            strict = os.environ.get("MOCKSERVER_TEST_STRICT", "1") != "0"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--port", "0",
             *(("--strict",) if strict else ()), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})})
        self.url = self._wait_for_url(timeout=20)

    def _wait_for_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                line = self.process.stdout.readline()
                match = LISTENING.search(line)
                if match:
                    return match.group(1)
                if not line and self.process.poll() is not None:
                    break
        self.stop()
        raise RuntimeError(f"server did not start: {self.process.stderr.read()}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode
