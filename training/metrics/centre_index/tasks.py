"""Background tasks of the index (training/tasks.py): the figures of one centre after its new data."""
from __future__ import annotations

from training.metrics.centre_index import snapshots
from training.metrics.centre_index.snapshots import REFRESH_CENTRE
from training.tasks import task


@task(REFRESH_CENTRE)
def refresh_centre(centre_id: int) -> int:
    """Recompute the stale snapshots of the centre, its departments and its staff (every period they are stale
    for); idempotent: with nothing stale it writes nothing. Services and the organisation aggregate a region or
    the country and are left to the every-minute job (``metrics.refresh-snapshots``)."""
    return snapshots.refresh_stale(centre_id=centre_id)
