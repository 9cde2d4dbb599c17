"""Every minute: send the surveys whose day has come (the survey after employment), and whatever the task did not
send because the worker was down."""
from __future__ import annotations

from training.jobs import periodic_job
from training.metrics.surveys import sending


@periodic_job("surveys.send-due", "every", "Отправить опросы по e-mail и SMS, срок которых наступил")
def _send_due(today) -> str:
    counts = sending.send_due()
    return f"отправлено: {counts['sent']}, не отправлено: {counts['not_sent']}"
