"""Worker liveness for probes: touch NEWSDESK_HEARTBEAT_FILE on every Celery event heartbeat.

Celery sends its `worker-heartbeat` event every 2 s from the consumer's own timer, and only while the consumer
runs (it stops while the broker connection is being re-established), so the file's age says whether this worker
is taking work. A probe checks it without starting Python: `find FILE -mmin -1` (deploy/k8s/workers.yaml).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from celery.signals import heartbeat_sent, worker_shutdown

from newsdesk.settings import get_settings

log = logging.getLogger(__name__)


def touch(path: Path) -> None:
    try:
        path.touch()
    except OSError as exc:  # a probe then fails loudly; the worker itself keeps working
        log.warning("cannot touch heartbeat file %s: %s", path, exc)


def remove(path: Path) -> None:
    path.unlink(missing_ok=True)


HEARTBEAT_FILE = get_settings().heartbeat_file
if HEARTBEAT_FILE is not None:
    # Connected only when configured: Celery skips the signal entirely when it has no receivers.
    heartbeat_file: Path = HEARTBEAT_FILE

    @heartbeat_sent.connect(weak=False)
    def on_heartbeat(sender: Any = None, **_: Any) -> None:
        touch(heartbeat_file)

    @worker_shutdown.connect(weak=False)
    def on_shutdown(sender: Any = None, **_: Any) -> None:
        remove(heartbeat_file)
