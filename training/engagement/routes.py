"""Engagement pages (/team): peer ratings, quests, «Стресс месяца», the case library and the committee.

Views stay thin; rules live in ratings.py, quests.py, stress.py, library.py and committee.py.
Anonymity: no view here logs, flashes or redirects with anything that links a rater to the person rated or
an author to a stress item (rated ids and item ids travel in the POST body, never in the URL)."""
from __future__ import annotations

from flask import abort, current_app, flash, make_response, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training.accounts.models import Role, User
from training.engagement import bp, committee, library, quests, ratings, stress
from training.engagement.forms import (
    AspectForm,
    CaseForm,
    CheckpointForm,
    CommitteeForm,
    HiddenIdForm,
    MeasureForm,
    MeasureStatusForm,
    ModerationForm,
    PublicStressForm,
    QuestForm,
    RatingForm,
    ScoreForm,
    StressForm,
    TeamForm,
)
from training.engagement.models import (
    CaseStatus,
    CommitteeMember,
    LibraryCase,
    Quest,
    QuestCheckpoint,
    QuestTeam,
    QuestTeamMember,
    RatingAspect,
    StressItem,
    StressMeasure,
)
from training.errors import DomainError
from training.extensions import db, limiter
from training.org.models import Centre
from training.templating import NavItem, add_nav_item
from training.web import page_args, public, redirect_to, render_view, role_required, try_rule

add_nav_item(NavItem("engagement.index", "Команда", "star", order=50))

ORGANISERS = quests.ORGANISER_ROLES


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@bp.get("/")
@login_required
def index():
    service_id = current_user.regional_service_id
    return render_view("engagement/index.html", None,
                       is_committee=committee.can_act(current_user, service_id),
                       can_configure=ratings.can_configure(current_user, service_id),
                       can_organise=current_user.has_role(*ORGANISERS))


# --- «Корпоративный тиндер» ---------------------------------------------------------------------------------------

def _card_context(offset: int, *, error: str | None = None, saved: bool = False) -> dict:
    cards = ratings.deck(current_user)
    offset = max(0, offset)
    card = cards[offset] if offset < len(cards) else None
    return {"card": card, "offset": offset, "remaining": max(0, len(cards) - offset), "total": len(cards),
            "aspects": ratings.aspects_for(current_user.regional_service_id),
            "error": error, "saved": saved, "interval_days": ratings.interval_days()}


@bp.get("/ratings")
@login_required
def ratings_deck():
    return render_view("engagement/ratings.html", "card", **_card_context(_int(request.args.get("skip"))))


@bp.post("/ratings")
@login_required
def rate():
    offset = _int(request.form.get("skip"))
    if request.form.get("action") == "skip":
        if request.headers.get("HX-Request"):
            return render_view("engagement/ratings.html", "card", **_card_context(offset + 1))
        return redirect_to(url_for("engagement.ratings_deck", skip=offset + 1))
    form = RatingForm()
    if not form.validate_on_submit():
        return render_view("engagement/ratings.html", "card", status=422,
                           **_card_context(offset, error="Карточка устарела: обновите страницу."))
    rated = db.session.get(User, form.rated_id.data)
    scores = {aspect.id: _int(request.form.get(f"aspect-{aspect.id}"))
              for aspect in ratings.aspects_for(current_user.regional_service_id)}
    try:
        if rated is None:
            raise DomainError("Коллега не найден.")
        ratings.submit_rating(current_user, rated, scores)
    except DomainError as exc:
        db.session.rollback()
        return render_view("engagement/ratings.html", "card", status=422, **_card_context(offset, error=exc.message))
    db.session.commit()
    if request.headers.get("HX-Request"):
        # the rated colleague left the deck, so the same offset shows the next card
        return render_view("engagement/ratings.html", "card", **_card_context(offset, saved=True))
    flash("Оценка сохранена анонимно.", "success")
    return redirect_to(url_for("engagement.ratings_deck", skip=offset))


@bp.get("/ratings/me")
@login_required
def ratings_me():
    return render_view("engagement/ratings_me.html", None, seen=ratings.how_seen(current_user))


def _aspect_page(form: AspectForm, *, status: int = 200, error: str | None = None):
    service_id = current_user.regional_service_id
    own = ratings.has_own_aspects(service_id)
    return render_view("engagement/aspects.html", None, status=status, form=form, error=error, own=own,
                       aspects=ratings.all_aspects(service_id),
                       can_edit=own or current_user.has_role(Role.ADMIN))


@bp.route("/ratings/aspects", methods=["GET", "POST"])
@role_required(Role.HR, Role.ADMIN)
def aspects():
    form = AspectForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _aspect_page(form, status=422)
        service_id = current_user.regional_service_id
        owner = service_id if ratings.has_own_aspects(service_id) else None
        try:
            ratings.save_aspect(current_user, None, service_id=owner, code=form.code.data, name=form.name.data,
                                description=form.description.data or "", is_active=form.is_active.data,
                                sort_order=form.sort_order.data or 0)
        except DomainError as exc:
            db.session.rollback()
            if exc.status_code == 403:
                raise
            return _aspect_page(form, status=422, error=exc.message)
        db.session.commit()
        flash("Аспект добавлен.", "success")
        return redirect_to("engagement.aspects")
    return _aspect_page(form)


@bp.post("/ratings/aspects/customise")
@role_required(Role.HR, Role.ADMIN)
def aspects_customise():
    if current_user.regional_service_id is None:
        raise DomainError("У вашей учётной записи не указана служба занятости.")
    created = ratings.customise_aspects(current_user, current_user.regional_service_id)
    db.session.commit()
    if created:
        flash("Теперь у службы свой набор аспектов: его можно менять.", "success")
    return redirect_to("engagement.aspects")


@bp.route("/ratings/aspects/<int:rating_aspect_id>", methods=["GET", "POST"])
@role_required(Role.HR, Role.ADMIN)
def aspect_edit(rating_aspect_id: int):
    aspect = db.get_or_404(RatingAspect, rating_aspect_id)
    if not ratings.can_configure(current_user, aspect.regional_service_id) or \
            (aspect.regional_service_id is None and not current_user.has_role(Role.ADMIN)):
        abort(403, "Общий набор аспектов меняет администратор; настройте собственный набор службы.")
    form = AspectForm(obj=aspect)
    error = None
    if form.validate_on_submit():
        try:
            ratings.save_aspect(current_user, aspect, service_id=aspect.regional_service_id, code=form.code.data,
                                name=form.name.data, description=form.description.data or "",
                                is_active=form.is_active.data, sort_order=form.sort_order.data or 0)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash("Аспект сохранён.", "success")
            return redirect_to("engagement.aspects")
    return render_view("engagement/aspect_edit.html", None, status=422 if form.is_submitted() else 200,
                       form=form, aspect=aspect, error=error)


# --- quests ----------------------------------------------------------------------------------------------------

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
def quests_index():
    page, per_page = page_args()
    listing = db.paginate(quests.visible_quests(current_user), page=page, per_page=per_page, error_out=False)
    return render_view("engagement/quests.html", None, quests=listing,
                       can_organise=current_user.has_role(*ORGANISERS))


def _centre_choices() -> list[tuple[int, str]]:
    centres = db.session.scalars(select(Centre).where(Centre.regional_service_id == current_user.regional_service_id)
                                 .order_by(Centre.name))
    return [(0, "Вся служба занятости")] + [(c.id, c.name) for c in centres]


@bp.route("/quests/new", methods=["GET", "POST"])
@role_required(*ORGANISERS)
def quest_new():
    form = QuestForm()
    form.centre_id.choices = _centre_choices()
    error = None
    if request.method == "GET" and current_user.centre_id:
        form.centre_id.data = current_user.centre_id
    if form.validate_on_submit():
        try:
            quest = quests.create_quest(current_user, title=form.title.data, description=form.description.data,
                                        format=form.format.data, held_on=form.held_on.data,
                                        centre_id=form.centre_id.data or None)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            return redirect_to("engagement.quest_detail", quest_id=quest.id)
    return render_view("engagement/quest_new.html", None, status=422 if form.is_submitted() else 200, form=form,
                       error=error)


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
    staff = db.session.scalars(select(User).where(User.is_active,
                                                  User.regional_service_id == quest.regional_service_id)
                               .order_by(User.full_name))
    form.instructor_ids.choices = [(u.id, u.full_name) for u in staff]
    form.quiz_id.choices = [(0, "—")] + _quiz_choices(quest)
    return form


def _quiz_choices(quest: Quest) -> list[tuple[int, str]]:
    """Custom quizzes of the quiz engine available to the quest's service (none if the engine is absent)."""
    try:
        from training.quizzes.models import Quiz
    except ImportError:  # pragma: no cover - the quiz engine is part of the app
        return []
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
        "engagement/quest_detail.html", None, status=status, quest=quest, manage=manage, error=error,
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
def quest_detail(quest_id: int):
    return _quest_page(_quest_or_404(quest_id))


def _quest_action(quest: Quest, action, *, message: str | None = None, **page):
    """Run a quest change; on a refused rule re-render the page with the message (422)."""
    _, error = try_rule(action)
    if error:
        db.session.refresh(quest)
        return _quest_page(quest, status=422, error=error, **page)
    db.session.commit()
    if message:
        flash(message, "success")
    return redirect_to("engagement.quest_detail", quest_id=quest.id)


@bp.post("/quests/<int:quest_id>/teams")
@role_required(*ORGANISERS)
def quest_team_add(quest_id: int):
    quest = _managed_quest(quest_id)
    form = _team_form(quest, formdata=request.form)
    if not form.validate():
        return _quest_page(quest, status=422, team_form=form)
    return _quest_action(quest, lambda: quests.save_team(current_user, quest, None, name=form.name.data,
                                                         member_ids=form.member_ids.data or []),
                         message="Команда добавлена.", team_form=form)


@bp.post("/quests/<int:quest_id>/teams/<int:quest_team_id>")
@role_required(*ORGANISERS)
def quest_team_edit(quest_id: int, quest_team_id: int):
    quest = _managed_quest(quest_id)
    team = db.get_or_404(QuestTeam, quest_team_id)
    if team.quest_id != quest.id:
        abort(404)
    form = _team_form(quest, team, formdata=request.form)
    if not form.validate():
        return _quest_page(quest, status=422, error="Проверьте название и состав команды.")
    return _quest_action(quest, lambda: quests.save_team(current_user, quest, team, name=form.name.data,
                                                         member_ids=form.member_ids.data or []),
                         message="Команда сохранена.")


@bp.post("/quests/<int:quest_id>/teams/<int:quest_team_id>/delete")
@role_required(*ORGANISERS)
def quest_team_delete(quest_id: int, quest_team_id: int):
    quest = _managed_quest(quest_id)
    team = db.get_or_404(QuestTeam, quest_team_id)
    if team.quest_id != quest.id:
        abort(404)
    return _quest_action(quest, lambda: quests.delete_team(current_user, quest, team), message="Команда удалена.")


@bp.post("/quests/<int:quest_id>/checkpoints")
@role_required(*ORGANISERS)
def quest_checkpoint_add(quest_id: int):
    quest = _managed_quest(quest_id)
    form = _checkpoint_form(quest, formdata=request.form)
    if not form.validate():
        return _quest_page(quest, status=422, checkpoint_form=form)
    return _quest_action(quest, lambda: quests.add_checkpoint(
        current_user, quest, title=form.title.data, kind=form.kind.data, task=form.task.data or "",
        max_points=form.max_points.data, quiz_id=form.quiz_id.data or None,
        instructor_ids=form.instructor_ids.data or []), message="Контрольная точка добавлена.", checkpoint_form=form)


@bp.post("/quests/<int:quest_id>/checkpoints/<int:quest_checkpoint_id>/delete")
@role_required(*ORGANISERS)
def quest_checkpoint_delete(quest_id: int, quest_checkpoint_id: int):
    quest = _managed_quest(quest_id)
    checkpoint = db.get_or_404(QuestCheckpoint, quest_checkpoint_id)
    if checkpoint.quest_id != quest.id:
        abort(404)
    return _quest_action(quest, lambda: quests.delete_checkpoint(current_user, quest, checkpoint),
                         message="Контрольная точка удалена.")


@bp.post("/quests/<int:quest_id>/start")
@role_required(*ORGANISERS)
def quest_start(quest_id: int):
    quest = _managed_quest(quest_id)
    return _quest_action(quest, lambda: quests.start_quest(current_user, quest),
                         message="Квест начался: инструкторы могут ставить баллы.")


@bp.post("/quests/<int:quest_id>/close")
@role_required(*ORGANISERS)
def quest_close(quest_id: int):
    quest = _managed_quest(quest_id)
    return _quest_action(quest, lambda: quests.close_quest(current_user, quest),
                         message="Квест завершён, итоги заморожены.")


def _score_page(quest: Quest, checkpoint: QuestCheckpoint, *, status: int = 200, messages: dict | None = None,
                saved_team: int | None = None):
    scores = quests.scores_at(checkpoint)
    rows = [{"team": team, "score": scores.get(team.id),
             "own": any(m.user_id == current_user.id for m in team.members)} for team in quest.teams]
    return render_view("engagement/quest_score.html", "scoring", status=status, quest=quest, checkpoint=checkpoint,
                       rows=rows, messages=messages or {}, saved_team=saved_team, quiz_url=_quiz_url)


@bp.route("/quests/<int:quest_id>/points/<int:quest_checkpoint_id>", methods=["GET", "POST"])
@login_required
def quest_score(quest_id: int, quest_checkpoint_id: int):
    quest = _quest_or_404(quest_id)
    checkpoint = db.get_or_404(QuestCheckpoint, quest_checkpoint_id)
    if checkpoint.quest_id != quest.id:
        abort(404)
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
    try:
        quests.record_score(current_user, checkpoint, team, points=form.points.data, comment=form.comment.data or "",
                            replaces_revision=form.revision.data or 0)
    except DomainError as exc:
        db.session.rollback()
        db.session.refresh(quest)
        # 422 for every refusal: htmx swaps it (the page's config swaps 2xx and 422 only)
        return _score_page(quest, checkpoint, status=422, messages={team.id: exc.message})
    db.session.commit()
    if request.headers.get("HX-Request"):
        return _score_page(quest, checkpoint, saved_team=team.id)
    flash(f"Баллы команды «{team.name}» сохранены.", "success")
    return redirect_to("engagement.quest_score", quest_id=quest.id, quest_checkpoint_id=checkpoint.id)


@bp.route("/quests/<int:quest_id>/checkpoints/<int:quest_checkpoint_id>/live", methods=["GET", "POST"])
@login_required
def quest_checkpoint_live(quest_id: int, quest_checkpoint_id: int):
    """«Провести вживую»: the checkpoint's quiz as a live game with the quest's teams; at the finish the quiz
    engine tells the result back (``live_quiz_finished``) and quests.on_live_quiz_finished records the scores."""
    from training.quizzes import live
    from training.quizzes.forms import LiveSessionForm
    from training.quizzes.live_routes import form_values, live_form_page
    from training.quizzes.models import Quiz

    quest = _quest_or_404(quest_id)
    checkpoint = db.get_or_404(QuestCheckpoint, quest_checkpoint_id)
    if checkpoint.quest_id != quest.id or checkpoint.quiz_id is None:
        abort(404)
    if not quests.can_score(current_user, checkpoint):
        abort(403, "Вживую точку проводят её инструкторы и организаторы квеста.")
    quiz = db.get_or_404(Quiz, checkpoint.quiz_id)
    form = LiveSessionForm()
    error = None
    if request.method == "GET":
        form.title.data = f"{quest.title}: {checkpoint.title}"[:200]
        form.format.data = "brain_ring" if quest.format == "brain_ring" else "quiz"
    elif form.validate_on_submit():
        def create_game():
            if quest.status != "running":
                raise DomainError("Провести точку вживую можно, пока квест идёт: баллы игры запишутся в квест.")
            source_key, teams = quests.live_source(checkpoint)
            return live.create_session(
                current_user, quiz, teams=teams, source_key=source_key,
                source_label=f"Квест «{quest.title}», точка {checkpoint.number}. {checkpoint.title}",
                source_url=url_for("engagement.quest_detail", quest_id=quest.id),
                regional_service_id=quest.regional_service_id, **form_values(form))

        session, error = try_rule(create_game)
        if not error:
            db.session.commit()
            return redirect_to("quizzes.live_host", live_id=session.id)
    return live_form_page(form, quiz, action=url_for("engagement.quest_checkpoint_live", quest_id=quest.id,
                                                     quest_checkpoint_id=checkpoint.id),
                          source_label=f"квест «{quest.title}», точка {checkpoint.number}. {checkpoint.title} "
                                       f"(до {checkpoint.max_points} б.)",
                          back_url=url_for("engagement.quest_detail", quest_id=quest.id),
                          team_names=[t.name for t in quest.teams], error=error,
                          status=422 if form.is_submitted() else 200)


@bp.get("/quests/<int:quest_id>/board")
@login_required
def quest_board(quest_id: int):
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
        response = render_view("engagement/quest_board.html", "board", quest=quest, standings=quests.standings(quest),
                               version=tag, screen=request.args.get("screen") == "1")
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# --- «Стресс месяца» ------------------------------------------------------------------------------------------

def _stress_centre_choices(service_id: int | None, empty: str) -> list[tuple[int, str]]:
    centres = db.session.scalars(select(Centre).where(Centre.regional_service_id == service_id).order_by(Centre.name))
    return [(0, empty)] + [(c.id, c.name) for c in centres]


def _stress_page(month: str, form: StressForm, *, status: int = 200):
    service_id = current_user.regional_service_id
    month_row = stress.find_month(service_id, month)
    order = "new" if request.args.get("order") == "new" else "top"
    centre_filter = _int(request.args.get("centre")) or None
    state = stress.state(month_row, month)
    measures = month_row.measures if month_row else []
    return render_view(
        "engagement/stress.html", None, status=status, month=month, month_label=stress.month_label(month),
        state=state, items=stress.items(month_row, order=order, centre_id=centre_filter), order=order,
        centre_filter=centre_filter, my_votes=stress.my_votes(current_user, month_row) if state == "open" else set(),
        form=form, measures=measures, status_form=MeasureStatusForm(formdata=None),
        can_update=lambda m: stress.can_update_measure(current_user, m),
        is_committee=committee.can_act(current_user, service_id), centres=_stress_centre_choices(service_id, "все ЦЗН"),
        current_month=stress.current_month(), previous_month=stress.previous_month(stress.current_month()),
        public_url=url_for("engagement.stress_public", centre_id=current_user.centre_id, _external=True)
        if current_user.centre_id else None)


@bp.get("/stress")
@login_required
def stress_board():
    month = request.args.get("month") or stress.current_month()
    if not stress.valid_month(month):
        abort(404)
    form = StressForm(formdata=None)
    form.centre_id.choices = _stress_centre_choices(current_user.regional_service_id, "не указывать")
    form.centre_id.data = current_user.centre_id or 0
    return _stress_page(month, form)


@bp.post("/stress")
@login_required
def stress_post():
    form = StressForm()
    form.centre_id.choices = _stress_centre_choices(current_user.regional_service_id, "не указывать")
    if current_user.regional_service_id is None:
        raise DomainError("У вашей учётной записи не указана служба занятости.")
    if not form.validate_on_submit():
        return _stress_page(stress.current_month(), form, status=422)
    try:
        stress.post_item(current_user.regional_service_id, text=form.text.data, centre_id=form.centre_id.data or None)
    except DomainError as exc:
        db.session.rollback()
        form.text.errors = [exc.message]
        return _stress_page(stress.current_month(), form, status=422)
    db.session.commit()
    flash("Записано анонимно. Спасибо: комитет разберёт записи в конце месяца.", "success")
    return redirect_to("engagement.stress_board")


@bp.post("/stress/plus")
@login_required
def stress_plus():
    form = HiddenIdForm()
    item = db.session.get(StressItem, form.item_id.data) if form.validate_on_submit() else None
    if item is None:
        abort(404)
    try:
        stress.plus_one(current_user, item)
    except DomainError as exc:
        db.session.rollback()
        return render_view("engagement/_stress_plus.html", None, status=422, item=item, voted=False,
                           state="open", error=exc.message)
    db.session.commit()
    if request.headers.get("HX-Request"):
        return render_view("engagement/_stress_plus.html", None, item=item, voted=True, state="open", error=None)
    return redirect_to("engagement.stress_board")


@bp.get("/stress/months")
@login_required
def stress_months():
    rows = stress.months(current_user.regional_service_id)
    return render_view("engagement/stress_months.html", None, months=rows, label=stress.month_label,
                       state=stress.state, current_month=stress.current_month())


def _review_month(month: str):
    if not stress.valid_month(month):
        abort(404)
    service_id = current_user.regional_service_id
    committee.ensure_can_act(current_user, service_id)
    return stress.find_month(service_id, month)


def _review_page(month: str, month_row, form: MeasureForm, *, status: int = 200, error: str | None = None):
    state = stress.state(month_row, month)
    return render_view("engagement/stress_review.html", None, status=status, month=month,
                       month_label=stress.month_label(month), month_row=month_row, state=state,
                       items=stress.items(month_row, include_hidden=True), form=form, error=error,
                       status_form=MeasureStatusForm(formdata=None), hide_form=HiddenIdForm(formdata=None))


def _measure_form(month_row, formdata=None) -> MeasureForm:
    form = MeasureForm(formdata=formdata)
    staff = db.session.scalars(select(User).where(User.is_active,
                                                  User.regional_service_id == current_user.regional_service_id)
                               .order_by(User.full_name))
    form.owner_id.choices = [(0, "—")] + [(u.id, u.full_name) for u in staff]
    form.item_id.choices = [("", "общая мера")] + [(i.id, f"+{i.plus_count}: {i.text[:60]}")
                                                   for i in stress.items(month_row)]
    return form


@bp.get("/stress/review/<stress_month>")
@login_required
def stress_review(stress_month: str):
    month_row = _review_month(stress_month)
    return _review_page(stress_month, month_row, _measure_form(month_row))


@bp.post("/stress/review/<stress_month>/measures")
@login_required
def stress_measure_add(stress_month: str):
    month_row = _review_month(stress_month)
    form = _measure_form(month_row, formdata=request.form)
    if month_row is None:
        raise DomainError("В этом месяце записей не было.")
    if not form.validate():
        return _review_page(stress_month, month_row, form, status=422)
    owner = db.session.get(User, form.owner_id.data)
    item = db.session.get(StressItem, form.item_id.data) if form.item_id.data else None
    try:
        if owner is None:
            raise DomainError("Выберите ответственного.")
        stress.add_measure(current_user, month_row, text=form.text.data, owner=owner, item=item,
                           due_on=form.due_on.data, status=form.status.data)
    except DomainError as exc:
        db.session.rollback()
        return _review_page(stress_month, month_row, form, status=422, error=exc.message)
    db.session.commit()
    flash("Мера записана, ответственный получил уведомление.", "success")
    return redirect_to("engagement.stress_review", stress_month=stress_month)


@bp.post("/stress/measures/<int:stress_measure_id>")
@login_required
def stress_measure_status(stress_measure_id: int):
    measure = db.get_or_404(StressMeasure, stress_measure_id)
    if measure.month_row.regional_service_id != current_user.regional_service_id and \
            not current_user.has_role(Role.ADMIN):
        abort(404)
    if not stress.can_update_measure(current_user, measure):
        abort(403, "Статус меры меняет её ответственный или комитет.")
    form = MeasureStatusForm()
    if not form.validate_on_submit():
        raise DomainError("Выберите статус.")
    stress.set_measure_status(current_user, measure, form.status.data)
    db.session.commit()
    flash("Статус меры обновлён.", "success")
    back = request.form.get("back")
    if back == "review" and committee.can_act(current_user, measure.month_row.regional_service_id):
        return redirect_to("engagement.stress_review", stress_month=measure.month_row.month)
    return redirect_to(url_for("engagement.stress_board", month=measure.month_row.month))


@bp.post("/stress/hide")
@login_required
def stress_hide():
    committee.ensure_can_act(current_user, current_user.regional_service_id)
    form = HiddenIdForm()
    item = db.session.get(StressItem, form.item_id.data) if form.validate_on_submit() else None
    if item is None:
        abort(404)
    stress.hide_item(current_user, item, hidden=request.form.get("hidden") != "0")
    db.session.commit()
    return redirect_to("engagement.stress_review", stress_month=item.month_row.month)


@bp.post("/stress/review/<stress_month>/archive")
@login_required
def stress_archive(stress_month: str):
    month_row = _review_month(stress_month)
    if month_row is None:
        raise DomainError("В этом месяце записей не было.")
    stress.archive_month(current_user, month_row)
    db.session.commit()
    flash("Месяц отправлен в архив: записи доступны только для чтения.", "success")
    return redirect_to("engagement.stress_months")


def _public_limit() -> str:
    return current_app.config.get("STRESS_PUBLIC_RATE_LIMIT", "5 per hour;20 per day")


@bp.route("/stress/from-clients/<int:centre_id>", methods=["GET", "POST"])
@public
@limiter.limit(_public_limit, methods=["POST"])
def stress_public(centre_id: int):
    """Clients tell what bothered them in the centre: no account, nothing personal kept."""
    centre = db.get_or_404(Centre, centre_id)
    form = PublicStressForm()
    sent = request.args.get("sent") == "1"
    if form.validate_on_submit():
        if not form.website.data:  # bots fill every field; people never see this one
            stress.post_item(centre.regional_service_id, text=form.text.data, centre_id=centre.id, source="client")
            db.session.commit()
        return redirect_to(url_for("engagement.stress_public", centre_id=centre.id, sent=1))
    return render_view("engagement/stress_public.html", None, status=422 if form.is_submitted() else 200,
                       centre=centre, form=form, sent=sent)


# --- «Библиотека клиентоцентричности» ---------------------------------------------------------------------------

def _case_or_404(case_id: int) -> LibraryCase:
    case = db.get_or_404(LibraryCase, case_id)
    if not library.can_view(current_user, case):
        abort(404)
    return case


@bp.get("/library")
@login_required
def library_index():
    q = (request.args.get("q") or "").strip()[:200]
    group_id, touchpoint_id = _int(request.args.get("group")) or None, _int(request.args.get("touchpoint")) or None
    kind = request.args.get("kind") or None
    order = "liked" if request.args.get("order") == "liked" else "new"
    page, per_page = page_args()
    query = library.search(current_user, q=q, client_group_id=group_id, touchpoint_id=touchpoint_id, kind=kind,
                           order=order).options(selectinload(LibraryCase.author), selectinload(LibraryCase.centre))
    listing = db.paginate(query, page=page, per_page=per_page, error_out=False)
    filters = {"q": q, "group": group_id or "", "touchpoint": touchpoint_id or "", "kind": kind or "",
               "order": order}
    return render_view("engagement/library.html", "results", listing=listing, filters=filters,
                       likes=library.like_counts([case.id for case in listing.items]),
                       groups=library.client_groups(), touchpoints=library.touchpoints(),
                       is_committee=committee.can_act(current_user, current_user.regional_service_id))


def _case_form(formdata=None, obj=None) -> CaseForm:
    form = CaseForm(formdata=formdata, obj=obj)
    form.client_group_id.choices = [(0, "—")] + [(g.id, g.name) for g in library.client_groups()]
    form.touchpoint_id.choices = [(0, "—")] + [(t.id, t.name) for t in library.touchpoints()]
    if obj is not None and formdata is None:
        form.client_group_id.data = obj.client_group_id or 0
        form.touchpoint_id.data = obj.touchpoint_id or 0
    return form


def _case_values(form: CaseForm) -> dict:
    return {"kind": form.kind.data, "title": form.title.data, "situation": form.situation.data,
            "action": form.action.data, "result": form.result.data,
            "client_group_id": form.client_group_id.data or None, "touchpoint_id": form.touchpoint_id.data or None}


@bp.route("/library/new", methods=["GET", "POST"])
@login_required
def library_new():
    form = _case_form(formdata=request.form if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.validate():
        try:
            case = library.submit_case(current_user, **_case_values(form))
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash("Кейс отправлен в комитет клиентоцентричности на модерацию.", "success")
            return redirect_to("engagement.library_case", library_case_id=case.id)
    return render_view("engagement/library_form.html", None, status=422 if request.method == "POST" else 200,
                       form=form, case=None, error=error)


@bp.route("/library/<int:library_case_id>/edit", methods=["GET", "POST"])
@login_required
def library_edit(library_case_id: int):
    case = _case_or_404(library_case_id)
    if case.author_id != current_user.id:
        abort(403, "Править кейс может только его автор.")
    form = _case_form(formdata=request.form if request.method == "POST" else None, obj=case)
    error = None
    if request.method == "POST" and form.validate():
        try:
            library.edit_case(current_user, case, **_case_values(form))
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash("Кейс снова на модерации.", "success")
            return redirect_to("engagement.library_case", library_case_id=case.id)
    return render_view("engagement/library_form.html", None, status=422 if request.method == "POST" else 200,
                       form=form, case=case, error=error)


@bp.get("/library/<int:library_case_id>")
@login_required
def library_case(library_case_id: int):
    case = _case_or_404(library_case_id)
    return render_view("engagement/library_case.html", None, case=case, likes=library.like_count(case),
                       liked=library.has_liked(current_user, case),
                       can_moderate=case.status == CaseStatus.SUBMITTED and case.author_id != current_user.id
                       and committee.can_act(current_user, case.regional_service_id),
                       moderation_form=ModerationForm(formdata=None))


@bp.post("/library/<int:library_case_id>/like")
@login_required
def library_like(library_case_id: int):
    case = _case_or_404(library_case_id)
    library.set_like(current_user, case, request.form.get("liked", "1") != "0")
    db.session.commit()
    ctx = {"case": case, "likes": library.like_count(case), "liked": library.has_liked(current_user, case)}
    if request.headers.get("HX-Request"):
        return render_view("engagement/_library_like.html", None, **ctx)
    return redirect_to("engagement.library_case", library_case_id=case.id)


@bp.get("/library/mine")
@login_required
def library_mine():
    return render_view("engagement/library_mine.html", None, cases=library.my_cases(current_user))


@bp.get("/library/moderation")
@login_required
def library_moderation():
    committee.ensure_can_act(current_user, current_user.regional_service_id)
    return render_view("engagement/library_moderation.html", None, cases=library.moderation_queue(current_user))


@bp.post("/library/<int:library_case_id>/moderate")
@login_required
def library_moderate(library_case_id: int):
    case = _case_or_404(library_case_id)
    committee.ensure_can_act(current_user, case.regional_service_id)
    form = ModerationForm()
    if not form.validate_on_submit():
        return render_view("engagement/library_case.html", None, status=422, case=case,
                           likes=library.like_count(case), liked=False, can_moderate=True, moderation_form=form)
    try:
        library.moderate(current_user, case, publish=form.decision.data == "publish", comment=form.comment.data)
    except DomainError as exc:
        db.session.rollback()
        if exc.status_code == 403:
            raise
        form.comment.errors = [exc.message]
        return render_view("engagement/library_case.html", None, status=422, case=case,
                           likes=library.like_count(case), liked=False,
                           can_moderate=case.status == CaseStatus.SUBMITTED, moderation_form=form)
    db.session.commit()
    flash("Кейс опубликован." if case.status == CaseStatus.PUBLISHED else "Кейс возвращён автору.", "success")
    return redirect_to("engagement.library_moderation")


# --- the committee -------------------------------------------------------------------------------------------

def _committee_page(form: CommitteeForm, *, status: int = 200, error: str | None = None):
    service_id = current_user.regional_service_id
    return render_view("engagement/committee.html", None, status=status, form=form, error=error,
                       members=committee.members(service_id),
                       can_appoint=committee.can_appoint(current_user, service_id))


def _committee_form(formdata=None) -> CommitteeForm:
    form = CommitteeForm(formdata=formdata)
    staff = db.session.scalars(select(User).where(User.is_active,
                                                  User.regional_service_id == current_user.regional_service_id)
                               .order_by(User.full_name))
    form.user_id.choices = [(0, "—")] + [(u.id, u.full_name) for u in staff]
    return form


@bp.get("/committee")
@login_required
def committee_index():
    return _committee_page(_committee_form())


@bp.post("/committee")
@role_required(Role.HR, Role.ADMIN)
def committee_add():
    form = _committee_form(formdata=request.form)
    if not form.validate():
        return _committee_page(form, status=422)
    user = db.session.get(User, form.user_id.data)
    try:
        if user is None or current_user.regional_service_id is None:
            raise DomainError("Сотрудник не найден.")
        committee.add_member(current_user, current_user.regional_service_id, user, is_chair=form.is_chair.data)
    except DomainError as exc:
        db.session.rollback()
        if exc.status_code == 403:
            raise
        return _committee_page(form, status=422, error=exc.message)
    db.session.commit()
    flash(f"{user.full_name} — в комитете.", "success")
    return redirect_to("engagement.committee_index")


@bp.post("/committee/<int:committee_member_id>/remove")
@role_required(Role.HR, Role.ADMIN)
def committee_remove(committee_member_id: int):
    member = db.get_or_404(CommitteeMember, committee_member_id)
    committee.remove_member(current_user, member)
    db.session.commit()
    flash("Состав комитета обновлён.", "success")
    return redirect_to("engagement.committee_index")

