"""Points (and a few badges) for facts other domains announce. Point values: catalogue.POINTS and
docs/recognition.md. Every award has a ledger source, so a repeated signal never pays twice.

Listeners run inside the sender's transaction (training/signals.py)."""
from __future__ import annotations

from sqlalchemy import func, select

from training.accounts.models import User
from training.extensions import db
from training.gamification import periods
from training.gamification.contests.models import AwardKind, ColleagueVote
from training.gamification.recognition import services
from training.gamification.recognition.catalogue import POINTS, THANKS_GIVEN_FOR_BADGE
from training.gamification.recognition.models import PointEntry, ThanksNote
from training.signals import (
    block_completed,
    case_accepted,
    contest_closed,
    course_completed,
    event_participation,
    library_case_published,
    master_title_granted,
    peer_rating_given,
    quest_finished,
    quiz_passed,
    thanks_given,
)

BADGE_FOR_AWARD = {AwardKind.TITLE: "employee_of_month", AwardKind.COLLEAGUES: "colleagues_choice",
                   AwardKind.CLIENTS: "clients_choice"}

MASTER_BADGE = "master"  # the catalogue's badge for the title competence scores grant
PEER_RATING_POINTS_PER_MONTH = 20  # points for rating colleagues stop after this many ratings a month


def _user(value) -> User | None:
    if isinstance(value, User):
        return value
    if isinstance(value, int):
        return db.session.get(User, value)
    return None


def on_quiz_passed(user, block_id=None, attempt_id=None, **_):
    source = f"quiz:{block_id}" if block_id is not None else f"quiz-attempt:{attempt_id}"
    services.award_points(user, POINTS["quiz_passed"], source, "Тест блока сдан")


def on_block_completed(user, enrolment=None, block=None, **_):
    if enrolment is None or block is None:
        return
    services.award_points(user, POINTS["block_completed"], f"block:{enrolment.id}:{block.id}",
                          f"Пройден блок {getattr(block, 'number', '')}".strip())


def on_course_completed(user, enrolment=None, **_):
    if enrolment is None:
        return
    services.award_points(user, POINTS["course_completed"], f"course:{enrolment.id}", "Курс пройден полностью")
    services.award_badge(user, "course_graduate", reason="Курс пройден полностью")


def on_case_accepted(user, submission=None, **_):
    if submission is None:
        return
    services.award_points(user, POINTS["case_accepted"], f"case:{submission.enrolment_id}:{submission.block_id}",
                          "Практический кейс принят преподавателем")


def on_thanks_given(giver, note: ThanksNote | None = None, **_):
    if note is None:
        return
    recipient = note.recipient or db.session.get(User, note.recipient_id)
    period = periods.current_period(note.created_at)
    services.award_points(recipient, POINTS["thanks_received"], f"thanks:{giver.id}:{period}",
                          f"«Спасибо» от коллеги ({periods.period_label(period)})")
    services.award_badge(recipient, "first_thanks", reason="Первое «Спасибо» от коллеги")
    given = db.session.scalar(select(func.count()).select_from(ThanksNote).where(ThanksNote.giver_id == giver.id)) or 0
    if given >= THANKS_GIVEN_FOR_BADGE:
        services.award_badge(giver, "thankful", reason=f"Отправлено {given} «Спасибо»")


def on_contest_closed(contest, winners: dict | None = None, **_):
    winners = winners or {}
    label = periods.period_label(contest.period)
    for kind, badge_code in BADGE_FOR_AWARD.items():
        user = _user(winners.get(kind.value))
        if user is not None:
            services.award_badge(user, badge_code, reason=f"{kind.label}, {label}")
    if winners.get("title"):
        services.award_points(winners["title"], POINTS["contest_title"], f"contest:{contest.id}:title",
                              f"Самый клиентоцентричный сотрудник месяца ({label})")
    for track, title in (("colleagues", "в глазах коллег"), ("clients", "в глазах клиентов")):
        if winners.get(track):
            services.award_points(winners[track], POINTS["contest_track"], f"contest:{contest.id}:{track}",
                                  f"Сотрудник месяца {title} ({label})")
    for voter_id in db.session.scalars(select(ColleagueVote.voter_id).where(ColleagueVote.contest_id == contest.id)):
        services.award_points(voter_id, POINTS["contest_voted"], f"contest:{contest.id}:voted",
                              f"Участие в голосовании «Сотрудник месяца» ({label})")


def on_library_case_published(author, case_id=None, **_):
    user = _user(author)
    if user is None or case_id is None:
        return
    services.award_points(user, POINTS["library_case_published"], f"library-case:{case_id}",
                          "Кейс опубликован в «Библиотеке клиентоцентричности»")
    services.award_badge(user, "library_author", reason="Опубликован кейс в библиотеке")


def on_quest_finished(quest, team_member_ids_by_rank: list[list[int]] | None = None, **_):
    quest_id = getattr(quest, "id", quest)
    ranked = POINTS["quest_ranks"]
    for index, member_ids in enumerate(team_member_ids_by_rank or []):
        amount = ranked[index] if index < len(ranked) else POINTS["quest_participation"]
        for user_id in member_ids:
            services.award_points(int(user_id), amount, f"quest:{quest_id}",
                                  f"Корпоративный квест: {index + 1}-е место" if index < len(ranked)
                                  else "Участие в корпоративном квесте")
            if index == 0:
                user = db.session.get(User, int(user_id))
                if user is not None:
                    services.award_badge(user, "quest_winner", reason="Первое место в корпоративном квесте")
                    services.issue_quest_diploma(user, quest)


def on_peer_rating_given(rater, rated_id=None, **_):
    user = _user(rater)
    if user is None or rated_id is None:
        return
    # The ledger must not say whom the rater rated: the source counts the rater's ratings in the month
    # (peer-ratings:<month>:<n>), capped, instead of naming the colleague.
    period = periods.current_period()
    prefix = f"peer-ratings:{period}:"
    given = db.session.scalar(select(func.count()).select_from(PointEntry).where(
        PointEntry.user_id == user.id, PointEntry.source.like(prefix + "%")))
    if given >= PEER_RATING_POINTS_PER_MONTH:
        return
    services.award_points(user, POINTS["peer_rating_given"], f"{prefix}{given + 1}",
                          "Оценка коллеги в «Корпоративном тиндере»")


def on_master_title_granted(user, reason: str = "", actor=None, **_) -> bool:
    """The competence scores granted «Мастер клиентоцентричности»: the title's badge (and its points)."""
    services.award_badge(user, MASTER_BADGE, reason=reason, actor=actor)
    return True


EVENT_REASONS = {"attended": "Участие в мероприятии", "spoke": "Выступление на мероприятии",
                 "organised": "Проведено мероприятие"}


def on_event_participation(user, event_id=None, role=None, title="", **_):
    """One award per person, event and role (ledger source ``event:<id>:<role>``)."""
    person = _user(user)
    if person is None or event_id is None or role not in EVENT_REASONS:
        return
    services.award_points(person, POINTS[f"event_{role}"], f"event:{event_id}:{role}",
                          f"{EVENT_REASONS[role]} «{title}»"[:300])


RECEIVERS = ((quiz_passed, on_quiz_passed), (block_completed, on_block_completed),
             (course_completed, on_course_completed), (case_accepted, on_case_accepted),
             (thanks_given, on_thanks_given), (contest_closed, on_contest_closed),
             (library_case_published, on_library_case_published),
             (quest_finished, on_quest_finished), (peer_rating_given, on_peer_rating_given),
             (master_title_granted, on_master_title_granted),
             (event_participation, on_event_participation))
