"""Corporate quests (/team/quests): teams, checkpoints, scores, the live board."""
from __future__ import annotations

from flask import abort, current_app, flash, make_response, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training.accounts import scopes
from training.accounts.models import Role
from training.errors import DomainError
from training.extensions import db
from training.gamification.quests import bp
from training.gamification.quests import services as quests
from training.gamification.quests.forms import CheckpointForm, QuestForm, ScoreForm, TeamForm
from training.gamification.quests.models import (
    Quest,
    QuestCheckpoint,
    QuestFormat,
    QuestStatus,
    QuestTeam,
    QuestTeamMember,
)
from training.org import services as org_services
from training.quizzes import live
from training.quizzes.forms import LiveSessionForm
from training.quizzes.models import LiveFormat, Quiz
from training.web import page_args, redirect_to, render_view, role_required, submit, visible_or_404


def _quest_or_404(quest_id: int) -> Quest:
    # the page lists every team with its members: load them in three queries, not one per team and member
    quest = db.get_or_404(Quest, quest_id, options=[
        selectinload(Quest.teams).selectinload(QuestTeam.members).selectinload(QuestTeamMember.user)])
    if not quests.can_view(current_user, quest):
        abort(404)
    return quest


def _managed_quest(quest_id: int) -> Quest:
    quest = _quest_or_404(quest_id)
    quests.ensure_can_manage(current_user, quest)
    return quest


@bp.get("/quests")
@login_required
def index():
    page, per_page = page_args()
    listing = db.paginate(quests.visible_quests(current_user), page=page, per_page=per_page, error_out=False)
    return render_view("gamification/quests/index.html", None, quests=listing,
                       can_organise=current_user.has_role(*Role.ORGANISERS))


def _centre_choices() -> list[tuple[int, str]]:
    centres = org_services.centres_of_service(current_user.regional_service_id)
    return [(0, "Вся служба занятости")] + [(c.id, c.name) for c in centres]


@bp.route("/quests/new", methods=["GET", "POST"])
@role_required(*Role.ORGANISERS)
def create():
    form = QuestForm()
    form.centre_id.choices = _centre_choices()
    if request.method == "GET" and current_user.centre_id:
        form.centre_id.data = current_user.centre_id
    return submit(form, lambda: quests.create_quest(
                      current_user, title=form.title.data, description=form.description.data,
                      format=form.format.data, held_on=form.held_on.data, centre_id=form.centre_id.data or None),
                  on_success=lambda quest: redirect_to("quests.detail", quest_id=quest.id),
                  template="gamification/quests/create.html")


def _team_choices(quest: Quest) -> list[tuple[int, str]]:
    return [(u.id, u.full_name) for u in db.session.scalars(quests.eligible_staff(quest))]


def _team_form(quest: Quest, team: QuestTeam | None = None, formdata=None,
               choices: list[tuple[int, str]] | None = None) -> TeamForm:
    prefix = f"team{team.id}" if team else "team"
    form = TeamForm(prefix=prefix, formdata=formdata)
    form.member_ids.choices = choices if choices is not None else _team_choices(quest)
    if team is not None and formdata is None:
        form.name.data = team.name
        form.member_ids.data = [m.user_id for m in team.members]
    return form


def _checkpoint_form(quest: Quest, formdata=None) -> CheckpointForm:
    form = CheckpointForm(prefix="cp", formdata=formdata)
    staff = db.session.scalars(scopes.active_staff(quest.regional_service_id))
    form.instructor_ids.choices = [(u.id, u.full_name) for u in staff]
    form.quiz_id.choices = [(0, "—")] + _quiz_choices(quest)
    return form


def _quiz_choices(quest: Quest) -> list[tuple[int, str]]:
    """Custom quizzes of the quiz engine available to the quest's service (none if the engine is absent)."""
    rows = db.session.scalars(select(Quiz).where(Quiz.block_id.is_(None),
                                                 (Quiz.regional_service_id.is_(None))
                                                 | (Quiz.regional_service_id == quest.regional_service_id))
                              .order_by(Quiz.title))
    return [(q.id, q.title) for q in rows]


def _quest_page(quest: Quest, *, status: int = 200, error: str | None = None, team_form: TeamForm | None = None,
                checkpoint_form: CheckpointForm | None = None):
    manage = quests.can_manage(current_user, quest)
    choices = _team_choices(quest) if manage else []  # once for every team's form
    return render_view(
        "gamification/quests/detail.html", None, status=status, quest=quest, manage=manage, error=error,
        team_form=team_form or (_team_form(quest, choices=choices) if manage else None),
        team_forms={t.id: _team_form(quest, t, choices=choices) for t in quest.teams} if manage else {},
        checkpoint_form=checkpoint_form or (_checkpoint_form(quest) if manage else None),
        my_team=quests.team_of(current_user, quest), my_checkpoints=quests.my_checkpoints(current_user, quest),
        standings=quests.standings(quest), quiz_url=_quiz_url)


def _quiz_url(quiz_id: int | None) -> str | None:
    if quiz_id and "quizzes.detail" in current_app.view_functions:
        return url_for("quizzes.detail", quiz_id=quiz_id)
    return None


@bp.get("/quests/<int:quest_id>")
@login_required
def detail(quest_id: int):
    return _quest_page(_quest_or_404(quest_id))


def _quest_action(quest: Quest, action, *, message: str | None = None, **page):
    """Run a quest change; on a refused rule re-render the page with the message (422)."""
    return submit(None, action, message=message,
                  on_success=lambda _: redirect_to("quests.detail", quest_id=quest.id),
                  page=lambda error, status: _quest_page(quest, status=status, error=error, **page))


@bp.post("/quests/<int:quest_id>/teams")
@role_required(*Role.ORGANISERS)
def team_add(quest_id: int):
    quest = _managed_quest(quest_id)
    form = _team_form(quest, formdata=request.form)
    if not form.validate():
        return _quest_page(quest, status=422, team_form=form)
    return _quest_action(quest, lambda: quests.save_team(current_user, quest, None, name=form.name.data,
                                                         member_ids=form.member_ids.data or []),
                         message="Команда добавлена.", team_form=form)


@bp.post("/quests/<int:quest_id>/teams/<int:quest_team_id>")
@role_required(*Role.ORGANISERS)
def team_edit(quest_id: int, quest_team_id: int):
    quest = _managed_quest(quest_id)
    team = visible_or_404(QuestTeam, quest_team_id, lambda t: t.quest_id == quest.id)
    form = _team_form(quest, team, formdata=request.form)
    if not form.validate():
        return _quest_page(quest, status=422, error="Проверьте название и состав команды.")
    return _quest_action(quest, lambda: quests.save_team(current_user, quest, team, name=form.name.data,
                                                         member_ids=form.member_ids.data or []),
                         message="Команда сохранена.")


@bp.post("/quests/<int:quest_id>/teams/<int:quest_team_id>/delete")
@role_required(*Role.ORGANISERS)
def team_delete(quest_id: int, quest_team_id: int):
    quest = _managed_quest(quest_id)
    team = visible_or_404(QuestTeam, quest_team_id, lambda t: t.quest_id == quest.id)
    return _quest_action(quest, lambda: quests.delete_team(current_user, quest, team), message="Команда удалена.")


@bp.post("/quests/<int:quest_id>/checkpoints")
@role_required(*Role.ORGANISERS)
def checkpoint_add(quest_id: int):
    quest = _managed_quest(quest_id)
    form = _checkpoint_form(quest, formdata=request.form)
    if not form.validate():
        return _quest_page(quest, status=422, checkpoint_form=form)
    return _quest_action(quest, lambda: quests.add_checkpoint(
        current_user, quest, title=form.title.data, kind=form.kind.data, task=form.task.data or "",
        max_points=form.max_points.data, quiz_id=form.quiz_id.data or None,
        instructor_ids=form.instructor_ids.data or []), message="Контрольная точка добавлена.", checkpoint_form=form)


@bp.post("/quests/<int:quest_id>/checkpoints/<int:quest_checkpoint_id>/delete")
@role_required(*Role.ORGANISERS)
def checkpoint_delete(quest_id: int, quest_checkpoint_id: int):
    quest = _managed_quest(quest_id)
    checkpoint = visible_or_404(QuestCheckpoint, quest_checkpoint_id, lambda c: c.quest_id == quest.id)
    return _quest_action(quest, lambda: quests.delete_checkpoint(current_user, quest, checkpoint),
                         message="Контрольная точка удалена.")


@bp.post("/quests/<int:quest_id>/start")
@role_required(*Role.ORGANISERS)
def start(quest_id: int):
    quest = _managed_quest(quest_id)
    return _quest_action(quest, lambda: quests.start_quest(current_user, quest),
                         message="Квест начался: инструкторы могут ставить баллы.")


@bp.post("/quests/<int:quest_id>/close")
@role_required(*Role.ORGANISERS)
def close(quest_id: int):
    quest = _managed_quest(quest_id)
    return _quest_action(quest, lambda: quests.close_quest(current_user, quest),
                         message="Квест завершён, итоги заморожены.")


def _score_page(quest: Quest, checkpoint: QuestCheckpoint, *, status: int = 200, messages: dict | None = None,
                saved_team: int | None = None):
    scores = quests.scores_at(checkpoint)
    rows = [{"team": team, "score": scores.get(team.id),
             "own": any(m.user_id == current_user.id for m in team.members)} for team in quest.teams]
    return render_view("gamification/quests/score.html", "scoring", status=status, quest=quest, checkpoint=checkpoint,
                       rows=rows, messages=messages or {}, saved_team=saved_team, quiz_url=_quiz_url)


@bp.route("/quests/<int:quest_id>/points/<int:quest_checkpoint_id>", methods=["GET", "POST"])
@login_required
def score(quest_id: int, quest_checkpoint_id: int):
    quest = _quest_or_404(quest_id)
    checkpoint = visible_or_404(QuestCheckpoint, quest_checkpoint_id, lambda c: c.quest_id == quest.id)
    if not quests.can_score(current_user, checkpoint):
        abort(403, "Баллы на этой точке ставят её инструкторы.")
    if request.method == "GET":
        return _score_page(quest, checkpoint)
    form = ScoreForm()
    team = db.session.get(QuestTeam, form.team_id.data) if form.team_id.data else None
    if not form.validate_on_submit() or team is None or team.quest_id != quest.id:
        key = team.id if team is not None and team.quest_id == quest.id else 0
        return _score_page(quest, checkpoint, status=422,
                           messages={key: "; ".join(e for errors in form.errors.values() for e in errors)
                                     or "Команда не найдена."})

    def scored(_):
        if request.headers.get("HX-Request"):
            return _score_page(quest, checkpoint, saved_team=team.id)
        flash(f"Баллы команды «{team.name}» сохранены.", "success")
        return redirect_to("quests.score", quest_id=quest.id, quest_checkpoint_id=checkpoint.id)

    # 422 for every refusal: htmx swaps it (the page's config swaps 2xx and 422 only)
    return submit(None, lambda: quests.record_score(current_user, checkpoint, team, points=form.points.data,
                                                    comment=form.comment.data or "",
                                                    replaces_revision=form.revision.data or 0),
                  on_success=scored,
                  page=lambda error, status: _score_page(quest, checkpoint, status=status, messages={team.id: error}))


@bp.route("/quests/<int:quest_id>/checkpoints/<int:quest_checkpoint_id>/live", methods=["GET", "POST"])
@login_required
def checkpoint_live(quest_id: int, quest_checkpoint_id: int):
    """«Провести вживую»: the checkpoint's quiz as a live game with the quest's teams; at the finish the quiz
    engine tells the result back (``live_quiz_finished``) and quests.on_live_quiz_finished records the scores."""

    quest = _quest_or_404(quest_id)
    checkpoint = visible_or_404(QuestCheckpoint, quest_checkpoint_id,
                                lambda c: c.quest_id == quest.id and c.quiz_id is not None)
    if not quests.can_score(current_user, checkpoint):
        abort(403, "Вживую точку проводят её инструкторы и организаторы квеста.")
    quiz = db.get_or_404(Quiz, checkpoint.quiz_id)
    form = LiveSessionForm()
    if request.method == "GET":
        form.title.data = f"{quest.title}: {checkpoint.title}"[:200]
        form.format.data = LiveFormat.BRAIN_RING if quest.format == QuestFormat.BRAIN_RING else LiveFormat.QUIZ

    def create_game():
        if quest.status != QuestStatus.RUNNING:
            raise DomainError("Провести точку вживую можно, пока квест идёт: баллы игры запишутся в квест.")
        source_key, teams = quests.live_source(checkpoint)
        return live.create_session(
            current_user, quiz, teams=teams, source_key=source_key,
            source_label=f"Квест «{quest.title}», точка {checkpoint.number}. {checkpoint.title}",
            source_url=url_for("quests.detail", quest_id=quest.id),
            regional_service_id=quest.regional_service_id, **form.session_values())

    def page() -> dict:
        questions, skipped = live.eligible_questions(quiz)
        return {"eligible": len(questions), "skipped": skipped, "team_names": [t.name for t in quest.teams]}

    return submit(form, create_game, on_success=lambda session: redirect_to("quizzes.live_host", live_id=session.id),
                  template="quizzes/live_new.html", quiz=quiz,
                  action=url_for("quests.checkpoint_live", quest_id=quest.id, quest_checkpoint_id=checkpoint.id),
                  source_label=f"квест «{quest.title}», точка {checkpoint.number}. {checkpoint.title} "
                               f"(до {checkpoint.max_points} б.)",
                  back_url=url_for("quests.detail", quest_id=quest.id), context=page)


@bp.get("/quests/<int:quest_id>/board")
@login_required
def board(quest_id: int):
    """The leaderboard; htmx polls its ``board`` block every 3 s. Polling is light: the ETag is one indexed row
    (version, status); an unchanged board answers 304 to If-None-Match and 204 to htmx's ``?v=`` poll."""
    quest = _quest_or_404(quest_id)
    tag = quests.etag(quest.id)
    is_poll = bool(request.headers.get("HX-Request")) and request.args.get("v") is not None
    if request.if_none_match.contains_weak(tag):
        response = make_response("", 304)
    elif is_poll and request.args.get("v") == tag:
        response = make_response("", 204)
    else:
        response = render_view("gamification/quests/board.html", "board", quest=quest,
                               standings=quests.standings(quest), version=tag, screen=request.args.get("screen") == "1")
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
