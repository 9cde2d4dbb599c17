"""Answers the client feedback domain gives other domains (receivers run inside the sender's transaction)."""
from __future__ import annotations

from training.metrics.feedback.services import client_aspect_averages
from training.signals import client_aspect_averages_requested


def on_client_aspect_averages_requested(user, since=None, **_kwargs):
    return client_aspect_averages(user, since=since)


RECEIVERS = ((client_aspect_averages_requested, on_client_aspect_averages_requested),)
