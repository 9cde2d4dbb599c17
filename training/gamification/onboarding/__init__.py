"""Адаптация новичков (items 15 and 28 of 5.4): a plan for a newcomer — the course cohort, the «вечер-посвящение»,
a checklist the manager adapts, a buddy (наставник) who agrees, a meeting rhythm, a private shared log and
check-ins from both at 1 and 3 months; the buddy earns «Наставник» once per newcomer accompanied."""
from flask import Blueprint

bp = Blueprint("onboarding", __name__)
