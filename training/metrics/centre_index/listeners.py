"""New data from client feedback, IQS checks and operational imports make the index's snapshots of the scopes
and periods they touch stale (receivers run inside the sender's transaction; the recompute follows the commit)."""
from __future__ import annotations

from datetime import timedelta

from training.measures.periods import local_today
from training.metrics.centre_index import snapshots
from training.metrics.operations.comfort import quarter_end
from training.signals import client_feedback_received, comfort_audit_recorded, iqs_assessed, operational_data_imported


def on_client_feedback_received(feedback, **_):
    snapshots.bump(snapshots.scopes_of(service_id=feedback.regional_service_id, centre_id=feedback.centre_id,
                                       department_id=feedback.department_id, employee_id=feedback.employee_id),
                   [feedback.local_date])


def on_iqs_assessed(employee, assessment=None, **_):
    if assessment is not None:
        snapshots.bump(snapshots.scopes_of(service_id=assessment.regional_service_id, centre_id=assessment.centre_id,
                                           department_id=assessment.department_id, employee_id=employee.id),
                       [assessment.conversation_date])


def on_operational_data_imported(report, days=(), **_):
    snapshots.bump(snapshots.scopes_of(service_id=report.centre.regional_service_id, centre_id=report.centre_id),
                   days)


def on_comfort_audit_recorded(audit, **_):
    """A centre's comfort audit counts for every period starting in its quarter (up to today)."""
    last = min(quarter_end(audit.quarter_start), local_today())
    days = [audit.quarter_start + timedelta(days=i) for i in range((last - audit.quarter_start).days + 1)]
    snapshots.bump(snapshots.scopes_of(service_id=audit.regional_service_id, centre_id=audit.centre_id), days)


RECEIVERS = ((client_feedback_received, on_client_feedback_received), (iqs_assessed, on_iqs_assessed),
             (operational_data_imported, on_operational_data_imported),
             (comfort_audit_recorded, on_comfort_audit_recorded))
