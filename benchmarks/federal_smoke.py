"""Do the app's pages accept the generated data? Opens HR's pages of the first region on a database from
benchmarks/federal_data.py (after benchmarks/federal_recompute.py) and prints each status; exits 1 on any ≥ 400.

    .venv/bin/python benchmarks/federal_smoke.py --database-url sqlite:////tmp/fedbench/federal.sqlite3"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from benchmarks.profile_page import prepare  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    app, client, *_ = prepare("ranking", args.database_url)  # HR of the first regional service, signed in
    from training.accounts.models import User
    from training.certificates.models import Certificate
    from training.extensions import db
    from training.gamification.contests.models import Contest
    from training.gamification.quests.models import Quest
    from training.quizzes.models import Quiz

    with app.app_context():
        contest = db.session.scalar(select(Contest.id).where(Contest.status == "closed",
                                                             Contest.regional_service_id == 1).order_by(Contest.id))
        quiz = db.session.scalar(select(Quiz.id).order_by(Quiz.id))
        quest = db.session.scalar(select(Quest.id).where(Quest.regional_service_id == 1).order_by(Quest.id))
        certificate = db.session.scalar(select(Certificate.id).where(Certificate.regional_service_id == 1)
                                        .order_by(Certificate.id))
        person = db.session.scalar(select(User.id).where(User.regional_service_id == 1, User.centre_id.is_not(None))
                                   .order_by(User.id))
        db.session.remove()
    paths = ["/", "/metrics/pulse/service/1", f"/recognition/contests/{contest}", f"/quizzes/{quiz}/results",
             f"/quizzes/{quiz}/statistics", "/certificates/registry", f"/certificates/{certificate}",
             f"/team/quests/{quest}", "/team/library", "/team/stress", "/recognition/", "/recognition/board",
             "/metrics/follow-ups", "/metrics/competence/ranking", "/learn/cohorts", "/metrics/feedback", "/org/staff",
             "/recognition/flags", f"/metrics/competence/employee/{person}"]
    failed = 0
    for path in paths:
        status = client.get(path).status_code
        failed += status >= 400
        print(f"{status} {path}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
