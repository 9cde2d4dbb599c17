"""Answers to other domains' questions (imported by routes.py, so connected whenever the app is)."""
from __future__ import annotations

from training.signals import client_aspect_averages_requested


@client_aspect_averages_requested.connect
def _client_aspect_averages(user, since=None, **_kwargs):
    from training.metrics.feedback import client_aspect_averages

    return client_aspect_averages(user, since=since)
