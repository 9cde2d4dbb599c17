"""Gamification of section 5.4: the tools that keep staff engaged in improving client experience.

One sub-package per tool, each with the same files (models, services, forms, routes; templates under
templates/gamification/<tool>/): contests («Сотрудник месяца»), ratings («Корпоративный тиндер»), quests,
recognition (thanks, badges, honour board, points), stress («Стресс месяца»), library («Библиотека
клиентоцентричности»), committee (Комитет клиентоцентричности). This package's own blueprint serves the
«Команда» hub (/team/). Layers inside: recognition listens to the others; library and stress use the committee."""
from flask import Blueprint

bp = Blueprint("gamification", __name__)
