"""Background tasks of competence scores (training/tasks.py)."""
from __future__ import annotations

from training.competence import services as competence
from training.competence.services import REFRESH_SCORES
from training.extensions import db
from training.tasks import task

#: stale rows recomputed per pass: each pass reads the evidence of their centres only, so the worker's memory stays
#: bounded whatever the burst (docs/PERFORMANCE.md, «Background work»)
CHUNK = 500
#: passes per run at most (a row bumped again during its recompute stays stale: the next run or the job takes it)
MAX_PASSES = 200


@task(REFRESH_SCORES)
def refresh_scores() -> int:
    """Recompute every stale competence score, month by month, each month set-based for the centres of the people
    concerned, in passes of :data:`CHUNK` rows, then store the months' places; idempotent: with nothing stale it
    writes nothing."""
    months = competence.stale_months()
    written = 0
    for _ in range(MAX_PASSES):
        step = competence.refresh_stale(limit=CHUNK, ranks=False)
        written += step
        if step == 0:
            break
    for month in months:  # the places of each month once, after its scores (one set-based statement)
        competence.store_ranks(month)
        db.session.commit()
    return written
