"""Мероприятия (/team/events): the catalogue of event formats of section 5.4, scheduling, registration with a
waiting list, check-in by a rotating QR code, feedback and outcomes, and «Неделя клиентоцентричности»."""
from flask import Blueprint

bp = Blueprint("events", __name__)
