"""The background task that sends the surveys due (queued after HR's outbound list commits)."""
from __future__ import annotations

from training.metrics.surveys import sending
from training.metrics.surveys.services import SEND_DUE
from training.tasks import task


@task(SEND_DUE)
def send_due() -> dict[str, int]:
    return sending.send_due()
