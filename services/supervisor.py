"""The process `newsdesk worker` becomes when it starts several stages: runs each stage's celery worker as a
child and stops them together. Standard library only, so it holds ~10 MB instead of the CLI's ~70.

    python -m services.supervisor STOP_GRACE_SECONDS COMMANDS_JSON

SIGTERM, SIGINT and SIGQUIT are passed on to each child; when one child exits the others are stopped and the
supervisor exits with the first non-zero code, so a supervisor above it restarts the whole set.
"""

from __future__ import annotations

import ctypes
import json
import signal
import subprocess
import sys
import time

FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in each child before exec: a supervisor killed outright (SIGKILL) takes its stages with it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the children outlive a SIGKILLed supervisor
        pass


def supervise(commands: list[list[str]], stop_grace: float) -> int:
    """Run every command as a child until one exits; stop the rest; the first non-zero exit code wins."""
    children: list[subprocess.Popen] = []
    queue_of: dict[int, str] = {}  # child pid -> the queues it consumes, for the message when it exits
    stopping = False

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    for signum in FORWARDED_SIGNALS:
        signal.signal(signum, forward)
    # Own process groups: a Ctrl-C in a terminal reaches each worker once (from here), not twice (a cold stop).
    for command in commands:
        children.append(subprocess.Popen(command, process_group=0, preexec_fn=_die_with_parent))  # noqa: PLW1509
        queue_of[children[-1].pid] = command[command.index("--queues") + 1]
    while all(child.poll() is None for child in children):
        time.sleep(0.2)
    first = next(child for child in children if child.returncode is not None)
    if not stopping:
        print(
            f"the {queue_of[first.pid]} worker exited with {first.returncode}; stopping the other stages",
            file=sys.stderr,
        )
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + stop_grace
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    codes = [child.returncode for child in children]
    return next((code for code in codes if code), 0)


if __name__ == "__main__":
    sys.exit(supervise(json.loads(sys.argv[2]), float(sys.argv[1])))
