"""«Вы сказали — мы сделали» on the thank-you page: the committee's recently finished measures of the client's centre,
only those the committee wrote a text for clients for, and only that text (never the internal one)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from tests.factories import make_user
from tests.metrics.helpers import seed_reference
from tests.support.visits import feedback_code
from training.db import utcnow
from training.extensions import db
from training.gamification.stress.models import MeasureStatus, StressItem, StressMeasure, StressMonth
from training.metrics.feedback import services as feedback


def _measure(month, owner, text, *, status=MeasureStatus.DONE, days_ago=5, centre=None, public="same"):
    item = None
    if centre is not None:
        item = StressItem(id=f"i{abs(hash(text)) % 10**9}", month_row=month, centre_id=centre.id,
                          text="Очередь у окна 3", posted_on=utcnow().date())
        db.session.add(item)
    measure = StressMeasure(month_row=month, item=item, text=f"Внутреннее: {text}", owner_id=owner.id,
                            public_text=text if public == "same" else public, created_by_id=owner.id, status=status, done_at=utcnow() - timedelta(days=days_ago)
                            if status == MeasureStatus.DONE else None)
    db.session.add(measure)
    return measure


def test_the_thank_you_page_shows_the_centres_recent_finished_measures_and_nothing_personal(app, client, org):
    seed_reference()
    owner = make_user(department=org.front_a, full_name="Ответственная Зоя Карловна")
    month = StressMonth(regional_service_id=org.service.id, month=f"{utcnow():%Y-%m}")
    other_month = StressMonth(regional_service_id=org.other_service.id, month=f"{utcnow():%Y-%m}")
    db.session.add_all([month, other_month])
    _measure(month, owner, "Поставили в зале ожидания кулер с водой", days_ago=3)
    _measure(month, owner, "Электронная очередь теперь показывает время ожидания", days_ago=10, centre=org.centre_a)
    _measure(month, owner, "Открыли второе окно в Арзамасе", days_ago=1, centre=org.centre_b)
    _measure(month, owner, "Переделать сайт", status=MeasureStatus.IN_PROGRESS)
    _measure(month, owner, "Старая мера прошлого года", days_ago=300)
    _measure(other_month, make_user(centre=org.other_centre), "Мера другого региона", days_ago=2)
    _measure(month, owner, "Без текста для клиентов", days_ago=2, public=None)
    _measure(month, owner, "С пустым текстом для клиентов", days_ago=2, public="   ")
    db.session.commit()
    link = feedback.link_for(org.centre_a)
    db.session.commit()
    response = client.post(f"/f/{link.token}", data={"code": feedback_code(link.token), "recommend": "9"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Вы сказали — мы сделали" in page
    assert page.index("кулер с водой") < page.index("Электронная очередь")  # newest first
    for absent in ("Открыли второе окно", "Переделать сайт", "Старая мера", "Мера другого региона",
                   "Ответственная", "Очередь у окна 3", "Без текста для клиентов", "С пустым текстом", "Внутреннее"):
        assert absent not in page


def _thanks_page(client, centre) -> str:
    link = feedback.link_for(centre)
    db.session.commit()
    return client.get(f"/f/thanks?t={link.token}").get_data(as_text=True)


def test_a_finished_measure_reaches_clients_only_through_the_text_written_for_them(app, client, org):
    owner = make_user(department=org.front_a)
    month = StressMonth(regional_service_id=org.service.id, month=f"{utcnow():%Y-%m}")
    internal = "Петрова из окна 2 грубит клиентам, провести с ней беседу"
    measure = StressMeasure(month_row=month, text=internal, owner_id=owner.id, created_by_id=owner.id,
                            status=MeasureStatus.DONE, done_at=utcnow() - timedelta(days=1))
    db.session.add(measure)
    db.session.commit()
    page = _thanks_page(client, org.centre_a)
    assert "Петрова" not in page and "Вы сказали — мы сделали" not in page  # finished, but nothing for clients
    measure.public_text = "Провели занятие для специалистов о вежливом приёме"
    db.session.commit()
    page = _thanks_page(client, org.centre_a)
    assert "Вы сказали — мы сделали" in page and "занятие для специалистов о вежливом приёме" in page
    assert "Петрова" not in page and "беседу" not in page


def test_the_thank_you_page_reads_the_measures_in_one_statement_and_works_without_a_link(app, client, org):
    link = feedback.link_for(org.centre_a)
    db.session.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = client.get(f"/f/thanks?t={link.token}")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert page.status_code == 200 and "Спасибо за отзыв" in page.get_data(as_text=True)
    assert len(statements) == 1
    plain = client.get("/f/thanks").get_data(as_text=True)
    assert "Спасибо за отзыв" in plain and "Вы сказали" not in plain
