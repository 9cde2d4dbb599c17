"""Answers from every channel: staff type phone and paper answers (never about themselves), paper forms carry a
single-use code, a scanned batch is stored all or nothing with its problems by line."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.factories import make_user
from tests.metrics.helpers import refresh, seed_reference
from training.accounts.models import Role
from training.errors import Conflict, DomainError, NotAllowed
from training.extensions import db
from training.measures.periods import MONTH, local_today, period_of
from training.metrics.centre_index import snapshots
from training.metrics.feedback import channels
from training.metrics.feedback import services as feedback_services
from training.metrics.feedback.channel_models import PaperSheet
from training.metrics.feedback.models import Channel, ClientFeedback, FollowUpTask
from training.tabular import ImportRejected


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(ClientFeedback))


def _sheets(actor, centre, count, employee=None) -> list[PaperSheet]:
    sheets = channels.issue_sheets(actor, centre, count, employee)
    db.session.commit()
    return sheets


# --- typed answers ----------------------------------------------------------------------------------------------

def test_an_operator_types_a_phone_answer_which_counts_like_a_qr_answer_with_its_channel(app, client, login, org):
    seed_reference()
    operator = make_user(department=org.front_a, full_name="Операторова Ольга Петровна")
    specialist = make_user(department=org.front_a, full_name="Специалистов Пётр Ильич")
    login(operator)
    page = client.get("/metrics/answers/new")
    assert page.status_code == 200 and "Ответ клиента" in page.get_data(as_text=True)
    assert "Специалистов Пётр Ильич" in page.get_data(as_text=True)
    response = client.post("/metrics/answers/new", data={
        "centre_id": org.centre_a.id, "channel": "phone", "employee_id": specialist.id, "touchpoint_id": 0,
        "answered_on": local_today().isoformat(), "ces": 2, "recommend": 3, "specialist_satisfaction": 4,
        "comment": "Долго ждал ответа"})
    assert response.status_code == 303
    stored = db.session.scalar(select(ClientFeedback))
    assert stored.channel == Channel.PHONE and stored.employee_id == specialist.id
    assert (stored.ces, stored.recommend, stored.specialist_satisfaction) == (2, 3, 4)
    assert stored.is_low and db.session.scalar(select(func.count()).select_from(FollowUpTask)) == 1
    refresh()
    snap = snapshots.snapshot(snapshots.CENTRE, org.centre_a.id, period_of(MONTH, local_today()))
    assert snap.figures["nps"]["n"] == 1 and snap.figures["feedback_n"] == 1


def test_a_typed_answer_can_carry_the_csi_marks(app, client, login, org):
    seed_reference()
    login(make_user(department=org.front_a))
    response = client.post("/metrics/answers/new", data={
        "centre_id": org.centre_a.id, "channel": "email", "employee_id": 0, "touchpoint_id": 0,
        "csi-csi_reliability": "4", "csi-csi_quality": "5"})
    assert response.status_code == 303
    stored = db.session.scalar(select(ClientFeedback))
    assert stored.channel == Channel.EMAIL
    assert {(m.aspect_code, m.score) for m in stored.service_marks} == {("csi_reliability", 4), ("csi_quality", 5)}
    refused = client.post("/metrics/answers/new", data={
        "centre_id": org.centre_a.id, "channel": "email", "employee_id": 0, "touchpoint_id": 0,
        "csi-csi_reliability": "9"})
    assert refused.status_code == 422 and "Надёжность" in refused.get_data(as_text=True) and _count() == 1


def test_the_specialist_being_rated_cannot_type_an_answer_about_themselves(app, client, login, org):
    seed_reference()
    specialist = make_user(department=org.front_a)
    login(specialist)
    response = client.post("/metrics/answers/new", data={
        "centre_id": org.centre_a.id, "channel": "phone", "employee_id": specialist.id, "touchpoint_id": 0,
        "recommend": 10, "specialist_satisfaction": 5})
    assert response.status_code == 422
    assert "о себе вносить ответы нельзя" in response.get_data(as_text=True)
    assert _count() == 0
    with pytest.raises(DomainError, match="о себе"):
        channels.enter_answer(specialist, org.centre_a, channel="phone", employee=specialist, recommend=10)


def test_a_paper_sheet_printed_for_a_specialist_cannot_be_typed_by_that_specialist(app, org):
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    specialist = make_user(department=org.front_a)
    sheet, = _sheets(manager, org.centre_a, 1, specialist)
    with pytest.raises(DomainError, match="о себе"):
        channels.enter_answer(specialist, org.centre_a, channel="paper", sheet_code=sheet.code, recommend=10)
    with pytest.raises(ImportRejected) as rejected:
        channels.enter_batch(specialist, org.centre_a, f"{sheet.code}; 5; 5; 10; 5")
    assert "о вашей работе" in str(rejected.value.problems[0])
    db.session.rollback()
    assert _count() == 0


def test_only_people_of_the_centre_and_its_supervisors_may_type_its_answers(app, client, login, org):
    seed_reference()
    other = make_user(department=org.front_b)
    hr = make_user(Role.HR, service=org.service)
    stranger_hr = make_user(Role.HR, service=org.other_service)
    with pytest.raises(NotAllowed):
        channels.enter_answer(other, org.centre_a, channel="phone", recommend=9)
    with pytest.raises(NotAllowed):
        channels.enter_answer(stranger_hr, org.centre_a, channel="phone", recommend=9)
    assert channels.enter_answer(hr, org.centre_a, channel="email", recommend=9).channel == Channel.EMAIL
    db.session.commit()
    client.post("/auth/logout")
    login(other)
    response = client.post("/metrics/answers/new", data={"centre_id": org.centre_a.id, "channel": "phone",
                                                          "employee_id": 0, "touchpoint_id": 0, "recommend": 9})
    assert response.status_code == 422 and _count() == 1  # centre A is not among the choices of centre B's staff


@pytest.mark.parametrize("channel, message", [("qr", "Выберите"), ("fax", "Выберите")])
def test_a_typed_answer_needs_a_staff_channel(app, org, channel, message):
    operator = make_user(department=org.front_a)
    with pytest.raises(DomainError, match=message):
        channels.enter_answer(operator, org.centre_a, channel=channel, recommend=9)


def test_a_typed_answer_is_dated_by_the_day_the_client_gave_it_within_limits(app, org):
    operator = make_user(department=org.front_a)
    today = local_today()
    answer = channels.enter_answer(operator, org.centre_a, channel="sms", answered_on=today - timedelta(days=3),
                                   recommend=8)
    assert answer.local_date == today - timedelta(days=3)
    with pytest.raises(DomainError, match="позже сегодняшней"):
        channels.enter_answer(operator, org.centre_a, channel="sms", answered_on=today + timedelta(days=1),
                              recommend=8)
    with pytest.raises(DomainError, match="старше"):
        channels.enter_answer(operator, org.centre_a, channel="sms", answered_on=today - timedelta(days=200),
                              recommend=8)


def test_the_entry_page_is_refused_to_staff_outside_any_centre(app, client, login, org):
    """(At 360 px the page is walked by tests/browser/test_phone_walk.py as the learner, a centre's employee.)"""
    seed_reference()
    teacher = make_user(Role.TEACHER, service=org.service)
    operator = make_user(department=org.front_a)
    login(operator)
    page = client.get("/metrics/answers/new")
    assert page.status_code == 200 and "Внести ответ" in page.get_data(as_text=True)
    client.post("/auth/logout")
    login(teacher)
    assert client.get("/metrics/answers/new").status_code == 403


def test_answers_off_the_scale_or_a_wrong_date_are_refused_in_russian(app, client, login, org):
    seed_reference()
    login(make_user(department=org.front_a))
    response = client.post("/metrics/answers/new", data={
        "centre_id": org.centre_a.id, "channel": "sms", "employee_id": 0, "touchpoint_id": 0, "recommend": "11",
        "ces": "9", "answered_on": "2026-02-31"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Ответ не внесён" in html
    assert html.count("Выберите ответ из предложенных вариантов.") == 2
    assert "Укажите дату, например" in html and "Not a valid" not in html
    batch = client.post("/metrics/answers/batch", data={"centre_id": org.centre_a.id, "answered_on": "вчера",
                                                         "lines": "x" * 200_001})
    assert "Не длиннее 200000 символов." in batch.get_data(as_text=True) and _count() == 0


# --- paper forms ------------------------------------------------------------------------------------------------

def test_hr_prints_paper_forms_with_a_unique_code_on_each_sheet(app, client, login, org):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    assert client.get(f"/metrics/paper-forms?centre_id={org.centre_a.id}").status_code == 200
    response = client.post("/metrics/paper-forms", data={"centre_id": org.centre_a.id, "count": "3",
                                                          "employee_id": 0})
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF")
    sheets = list(db.session.scalars(select(PaperSheet).where(PaperSheet.centre_id == org.centre_a.id)))
    codes = [s.code for s in sheets]
    assert len(codes) == 3 and len(set(codes)) == 3
    assert all(len(code) == channels.CODE_LENGTH and set(code) <= set(channels.CODE_ALPHABET) for code in codes)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]
    assert len(pages) == 3
    for sheet, text in zip(sorted(sheets, key=lambda s: s.id), pages, strict=True):
        assert f"Код анкеты: {channels.printed_code(sheet.code)}" in text and org.centre_a.name in text
        assert "Насколько легко вам было решить свой вопрос?" in text and "порекомендуете" in text
        fourth = {"centre": "Довольны ли вы обслуживанием в центре", "specialist": "Довольны ли вы работой специалиста",
                  "csi": "Дополнительные сервисы"}[channels.sheet_module(sheet)]
        assert fourth in text


def test_a_sheet_for_a_specialist_names_them_only_with_their_consent(app, client, login, org):
    manager = make_user(Role.MANAGER, department=org.front_a)
    shy = make_user(department=org.front_a, full_name="Скромнова Ирина Петровна")  # «Ведущий инспектор»
    open_ = make_user(department=org.front_a, full_name="Открытова Дарья Павловна", is_public_consent=True)
    login(manager)
    texts = {}
    for person in (shy, open_):
        response = client.post("/metrics/paper-forms", data={"centre_id": org.centre_a.id, "count": "1",
                                                              "employee_id": person.id})
        texts[person.id] = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Скромнова" not in texts[shy.id] and "Ваш специалист: Ведущий инспектор" in texts[shy.id]
    assert "Специалист: Открытова Дарья Павловна" in texts[open_.id]
    assert {s.employee_id for s in db.session.scalars(select(PaperSheet))} == {shy.id, open_.id}


def test_printing_refuses_a_silly_count_and_changes_nothing(app, client, login, org):
    manager = make_user(Role.MANAGER, department=org.front_a)
    login(manager)
    response = client.post("/metrics/paper-forms", data={"centre_id": org.centre_a.id, "count": "5000",
                                                          "employee_id": 0})
    assert response.status_code == 422 and "от 1 до 300" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PaperSheet)) == 0
    employee = make_user(department=org.front_a)
    client.post("/auth/logout")
    login(employee)
    assert client.post("/metrics/paper-forms", data={"centre_id": org.centre_a.id, "count": "1"}).status_code == 403


def test_a_paper_sheet_is_typed_once(app, org):
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    operator = make_user(department=org.front_a)
    sheet, = _sheets(manager, org.centre_a, 1)
    typed = channels.printed_code(sheet.code).lower()  # as a person types it: lower case, with the dash
    answer = channels.enter_answer(operator, org.centre_a, channel="paper", sheet_code=typed, recommend=9)
    db.session.commit()
    assert answer.channel == Channel.PAPER and db.session.get(PaperSheet, sheet.id).feedback_id == answer.id
    with pytest.raises(Conflict, match="уже внесена"):
        channels.enter_answer(operator, org.centre_a, channel="paper", sheet_code=sheet.code, recommend=2)
    db.session.rollback()
    with pytest.raises(DomainError, match="кодом"):
        channels.enter_answer(operator, org.centre_a, channel="paper", sheet_code="ZZZZ-ZZZZ", recommend=2)
    with pytest.raises(DomainError, match="укажите код"):
        channels.enter_answer(operator, org.centre_a, channel="paper", recommend=2)
    db.session.rollback()
    assert _count() == 1


# --- a scanned batch --------------------------------------------------------------------------------------------

def test_a_batch_is_stored_whole_with_each_sheets_fourth_question(app, client, login, org):
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    specialist = make_user(department=org.front_a)
    operator = make_user(department=org.front_a)
    sheets = _sheets(manager, org.centre_a, 3)
    mine, = _sheets(manager, org.centre_a, 1, specialist)
    by_module = {channels.sheet_module(s): s for s in sheets}
    assert set(by_module) == {"specialist", "centre", "csi"}  # the QR form's three fourth questions, in turn
    login(operator)
    text = (f"{channels.printed_code(by_module['centre'].code)}; 5; 4; 10; 5; Вежливо и быстро\n"
            f"\n{by_module['specialist'].code}\t2\t\t5\t1\n"
            f"{by_module['csi'].code}; 4; 4; 8; 5 4 - 5 3\n"
            f"{mine.code};;;9")
    response = client.post("/metrics/answers/batch", data={"centre_id": org.centre_a.id, "lines": text,
                                                            "answered_on": local_today().isoformat()})
    assert response.status_code == 303
    rows = {f.id: f for f in db.session.scalars(select(ClientFeedback))}
    assert len(rows) == 4 and {f.channel for f in rows.values()} == {Channel.PAPER}
    by_sheet = {s.id: rows[s.feedback_id] for s in db.session.scalars(select(PaperSheet))}
    centre, person, csi = (by_sheet[by_module[m].id] for m in ("centre", "specialist", "csi"))
    assert (centre.csat, centre.specialist_satisfaction, centre.comment) == (5, None, "Вежливо и быстро")
    assert (person.specialist_satisfaction, person.csat, person.ces, person.expectations) == (1, None, 2, None)
    assert {(m.aspect_code, m.score) for m in csi.service_marks} == {
        ("csi_reliability", 5), ("csi_range", 4), ("csi_staff", 5), ("csi_extras", 3)}
    assert by_sheet[mine.id].employee_id == specialist.id and by_sheet[mine.id].recommend == 9
    again = client.post("/metrics/answers/batch", data={"centre_id": org.centre_a.id, "lines": text})
    assert again.status_code == 422 and "уже внесена" in again.get_data(as_text=True)
    assert _count() == 4


def test_a_batch_names_a_fourth_answer_that_does_not_fit_its_sheet(app, org):
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    operator = make_user(department=org.front_a)
    by_module = {channels.sheet_module(s): s for s in _sheets(manager, org.centre_a, 3)}
    with pytest.raises(ImportRejected) as rejected:
        channels.enter_batch(operator, org.centre_a, f"{by_module['csi'].code}; 5; 5; 10; 5\n"
                                                     f"{by_module['centre'].code}; 5; 5; 10; 5 5 5 5 5")
    problems = [str(p) for p in rejected.value.problems]
    assert problems[0].startswith("Строка 1, столбец «Четвёртый вопрос»: «5» — на этом листе") and "пять" in problems[0]
    assert problems[1].startswith("Строка 2, столбец «Четвёртый вопрос»") and "одна оценка" in problems[1]
    db.session.rollback()
    assert _count() == 0


def test_a_batch_with_errors_names_every_line_and_stores_nothing(app, client, login, org):
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    operator = make_user(department=org.front_a)
    good, = _sheets(manager, org.centre_a, 1)
    login(operator)
    text = "\n".join([f"{good.code}; 5; 5; 10; 5",
                      f"{good.code}; 4; 4; 8; 4",
                      "QQQQ-QQQQ; 7; 4; 11",
                      "WXYZ-WXYZ; 5",
                      "KKKK-KKKK;;;;"])
    response = client.post("/metrics/answers/batch", data={"centre_id": org.centre_a.id, "lines": text})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Строка 2, столбец «Код анкеты»: код" in html and "уже есть в строке 1" in html
    assert "Строка 3, столбец «Легко ли решить вопрос (1–5)»: «7» — не число от 1 до 5" in html
    assert "Строка 3, столбец «Рекомендация (0–10)»: «11»" in html
    assert "Строка 5: на листе нет ни одного ответа" in html
    assert _count() == 0 and db.session.get(PaperSheet, good.id).used_at is None
    unknown = client.post("/metrics/answers/batch", data={"centre_id": org.centre_a.id,
                                                           "lines": f"{good.code}; 5\nWXYZ-WXYZ; 5"})
    assert "Строка 2, столбец «Код анкеты»: анкеты с таким кодом в этом ЦЗН нет" in unknown.get_data(as_text=True)
    assert _count() == 0 and db.session.get(PaperSheet, good.id).used_at is None


def test_a_batch_dated_in_the_past_counts_in_that_days_period(app, org):
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    operator = make_user(department=org.front_a)
    sheet, = _sheets(manager, org.centre_a, 1)
    day = local_today() - timedelta(days=40)
    assert channels.enter_batch(operator, org.centre_a, f"{sheet.code}; 5; 5; 10", answered_on=day) == 1
    refresh()
    snap = snapshots.snapshot(snapshots.CENTRE, org.centre_a.id, period_of(MONTH, day))
    assert snap.figures["nps"]["n"] == 1


def test_answers_list_shows_and_filters_the_channel(app, client, login, org):
    seed_reference()
    operator = make_user(department=org.front_a)
    manager = make_user(Role.MANAGER, department=org.front_a)
    channels.enter_answer(operator, org.centre_a, channel="phone", recommend=9, comment="Телефонный отзыв")
    channels.enter_answer(operator, org.centre_a, channel="email", recommend=9, comment="Письмо клиента")
    db.session.commit()
    login(manager)
    html = client.get("/metrics/feedback").get_data(as_text=True)
    assert "по телефону" in html and "Телефонный отзыв" in html and "Письмо клиента" in html
    only_phone = client.get("/metrics/feedback?channel=phone").get_data(as_text=True)
    assert "Телефонный отзыв" in only_phone and "Письмо клиента" not in only_phone



def test_the_pulse_shows_answers_by_channel(app, client, login, org):
    seed_reference()
    operator = make_user(department=org.front_a)
    manager = make_user(Role.MANAGER, department=org.front_a)
    link = feedback_services.link_for(org.centre_a)
    feedback_services.submit_feedback(link, recommend=10, csat=5)
    feedback_services.submit_feedback(link, recommend=9)
    channels.enter_answer(operator, org.centre_a, channel="phone", recommend=2, csat=1)
    refresh()
    snap = snapshots.snapshot(snapshots.CENTRE, org.centre_a.id, period_of(MONTH, local_today()))
    assert snap.figures["by_channel"] == [
        {"channel": "qr", "name": "QR-код", "n": 2, "low": 0, "nps": 100.0, "csat": 100.0},
        {"channel": "phone", "name": "по телефону", "n": 1, "low": 1, "nps": -100.0, "csat": 0.0}]
    login(manager)
    page = client.get(f"/metrics/pulse/centre/{org.centre_a.id}").get_data(as_text=True)
    assert "По каналам" in page and "/metrics/feedback?channel=phone" in page


def test_the_answers_export_carries_the_channel_and_no_contact_details(app, client, login, org):
    import io

    from openpyxl import load_workbook

    seed_reference()
    operator = make_user(department=org.front_a)
    manager = make_user(Role.MANAGER, department=org.front_a)
    channels.enter_answer(operator, org.centre_a, channel="paper", sheet_code=_sheets(manager, org.centre_a, 1)[0].code,
                          recommend=9, comment="=HYPERLINK(1)")
    feedback_services.submit_feedback(feedback_services.link_for(org.centre_a), recommend=2, contact_requested=True,
                                      contact_name="Клиентов Иван", contact_phone="+7 900 111-22-33")
    db.session.commit()
    login(manager)
    response = client.get("/metrics/feedback/export.xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    channel = rows[0].index("Канал")
    assert sorted(r[channel] for r in rows[1:]) == ["QR-код", "бумажная анкета"]
    assert "'=HYPERLINK(1)" in {r[-1] for r in rows[1:]}  # no formula from a client's text
    cells = " ".join(str(v) for r in rows for v in r)
    assert "Клиентов" not in cells and "111-22-33" not in cells
    csv = client.get("/metrics/feedback/export.csv?channel=paper").get_data(as_text=True)
    assert "бумажная анкета" in csv and "QR-код" not in csv


@pytest.mark.postgres
def test_a_sheet_typed_by_several_operators_at_once_is_stored_once(pg_app):
    from tests.factories import make_org
    from tests.support.concurrency import run_in_parallel
    from training.accounts.models import User
    from training.org.models import Centre

    org = make_org()
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    operators = [make_user(department=org.front_a).id for _ in range(6)]
    sheet, = _sheets(manager, org.centre_a, 1)
    code, centre_id = sheet.code, org.centre_a.id

    def type_it(i: int):
        return channels.enter_answer(db.session.get(User, operators[i]), db.session.get(Centre, centre_id),
                                     channel="paper", sheet_code=code, recommend=9).id

    results = run_in_parallel(pg_app, 6, type_it)
    stored = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(stored) == 1 and len(refused) == 5, results
    assert _count() == 1 and db.session.scalar(select(PaperSheet.feedback_id)) == stored[0]


def test_a_batch_dated_in_the_future_is_refused_in_russian_and_stores_nothing(app, client, login, org):
    """A refusal that is not about a line (the date) shows its message alone, without a list of lines."""
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    operator = make_user(department=org.front_a)
    sheet, = _sheets(manager, org.centre_a, 1)
    login(operator)
    response = client.post("/metrics/answers/batch", data={"centre_id": org.centre_a.id, "answered_on": "2289-09-11",
                                                           "lines": f"{sheet.code}; 5; 5; 10"})
    assert response.status_code == 422
    assert "role=\"alert\"" in response.get_data(as_text=True)
    assert _count() == 0 and db.session.get(PaperSheet, sheet.id).used_at is None
