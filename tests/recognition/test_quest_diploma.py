from types import SimpleNamespace

from sqlalchemy import select

from tests.factories import make_user
from training import signals
from training.certificates.models import Certificate
from training.certificates.services import ensure_kinds
from training.extensions import db


def test_quest_winners_get_a_diploma_once(app, org):
    ensure_kinds()
    winner, runner_up = make_user(department=org.front_a), make_user(department=org.front_a)
    quest = SimpleNamespace(id=7, title="Путь заявителя")
    for _ in range(2):  # a repeated signal issues nothing new
        signals.quest_finished.send(quest, team_member_ids_by_rank=[[winner.id], [runner_up.id]])
    db.session.commit()
    diplomas = db.session.scalars(select(Certificate)).all()
    assert [(d.holder_id, d.kind.code) for d in diplomas] == [(winner.id, "quest_winner")]
    assert diplomas[0].title == "Победитель квеста «Путь заявителя»"
