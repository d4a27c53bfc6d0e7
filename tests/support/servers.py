"""Starting the servers tests talk to (gunicorn, the Nu Html Checker) and waiting until they answer.

A busy machine may take minutes to start Java or boot gunicorn's workers, so the
wait watches the process rather than a short clock: it lasts while the process
lives and has not answered, and ends at once, with the process's own error
output, when the process exits. ``SAFETY_LIMIT`` only stops a process that hangs.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Callable

SAFETY_LIMIT = 300  # seconds; far beyond a slow start, only against a server that hangs
POLL_SECONDS = 0.2


def free_port() -> int:
    """Ask the system for a free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """A server process started for tests, its error output kept to explain a failed start."""

    def __init__(self, name: str, command: list[str], **popen_options) -> None:
        self.name = name
        self._errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=self._errors, **popen_options)

    def error_output(self) -> str:
        """The last 4,000 characters the process wrote to its error output."""
        self._errors.seek(0)
        return self._errors.read().decode(errors="replace")[-4000:]

    def wait_until_serving(self, answers: Callable[[], object]) -> None:
        """Wait until ``answers()`` returns without an ``OSError``, for as long as the process runs."""
        started = time.monotonic()
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with status {self.process.returncode} while starting:\n{self.error_output()}"
                )
            try:
                answers()
                return
            except OSError:
                pass
            if time.monotonic() - started > SAFETY_LIMIT:
                self.stop()
                raise RuntimeError(f"{self.name} ran for {SAFETY_LIMIT} s without answering:\n{self.error_output()}")
            time.sleep(POLL_SECONDS)

    def stop(self) -> None:
        """Stop the process (for gunicorn, also its workers)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
