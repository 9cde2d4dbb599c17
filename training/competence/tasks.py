"""Background tasks of competence scores (training/tasks.py)."""
from __future__ import annotations

from training.competence import services as competence
from training.competence.services import REFRESH_SCORES
from training.tasks import task


@task(REFRESH_SCORES)
def refresh_scores() -> int:
    """Recompute every stale competence score, month by month, each month set-based for the centres of the people
    concerned; idempotent: with nothing stale it writes nothing."""
    return competence.refresh_stale()
