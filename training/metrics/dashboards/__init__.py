"""«Пульс клиентоцентричности» (section 5.4 item 6): the thermometer for the organisation, a regional service, a
centre, a department and an employee; comparisons of centres, training next to quality, weekly reports."""
from flask import Blueprint

bp = Blueprint("dashboards", __name__)
