"""Views of the live «викторина / брейн-ринг» (rules in live.py). Imported by quizzes/routes.py, so the factory
registers them with the quizzes blueprint.

Participants' screens and the board poll themselves (htmx, every 2 s): an unchanged screen answers 204 to the
``?v=`` poll and 304 to ``If-None-Match``. Host pages are for the game's host, an administrator or an HR officer of its
service (a quest's instructor hosts the game run from their checkpoint); everyone else gets a 404."""
from __future__ import annotations

import segno
from flask import flash, make_response, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from training.accounts.models import Role
from training.extensions import db
from training.quizzes import bp, live, services
from training.quizzes.forms import LiveJoinForm, LiveSessionForm, LiveTeamForm
from training.quizzes.models import LiveSession, LiveStatus, LiveTeam, Quiz
from training.web import redirect_to, render_view, role_required, submit, visible_or_404


def int_or(value, default: int = -1) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if -(2 ** 31) < number < 2 ** 31 else default


def _session_or_404(live_id: int) -> LiveSession:
    session = visible_or_404(LiveSession, live_id, lambda s: live.can_view(current_user, s))
    return session


def _hosted_or_404(live_id: int) -> LiveSession:
    session = visible_or_404(LiveSession, live_id, lambda s: live.can_host(current_user, s))
    return session


def _join_url(session: LiveSession) -> str:
    return url_for("quizzes.live_join", code=session.code, _external=True)


def _qr(url: str) -> str:

    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)


def _polled(tag: str, render):
    """204 for an htmx poll that already has ``tag``, 304 for a matching If-None-Match, else ``render()``."""
    is_poll = bool(request.headers.get("HX-Request")) and request.args.get("v") is not None
    if request.if_none_match.contains_weak(tag):
        response = make_response("", 304)
    elif is_poll and request.args.get("v") == tag:
        response = make_response("", 204)
    else:
        response = render()
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# --- creating a game ------------------------------------------------------------------------------------------

def live_form_page(form: LiveSessionForm, quiz: Quiz, *, action: str, source_label: str = "", back_url: str,
                   team_names: list[str] | None = None, error: str | None = None, status: int = 200):
    """The «new game» form (a quest's checkpoint renders the same template with its teams fixed)."""
    questions, skipped = live.eligible_questions(quiz)
    return render_view("quizzes/live_new.html", None, status=status, form=form, quiz=quiz, action=action,
                       source_label=source_label, back_url=back_url, team_names=team_names, error=error,
                       eligible=len(questions), skipped=skipped)


@bp.route("/<int:quiz_id>/live/new", methods=["GET", "POST"])
@role_required(*Role.TEACHING)
def live_new(quiz_id: int):
    quiz = visible_or_404(Quiz, quiz_id, lambda q: services.can_manage_quiz(current_user, q))
    form = LiveSessionForm()
    back = url_for("quizzes.settings", quiz_id=quiz.id)
    if request.method == "GET":
        form.title.data = quiz.title
        form.teams.data = "Команда 1\nКоманда 2"
    return submit(form, lambda: live.create_session(
                      current_user, quiz, team_names=(form.teams.data or "").splitlines(), **form.session_values()),
                  on_success=lambda session: redirect_to("quizzes.live_host", live_id=session.id),
                  page=lambda error, status: live_form_page(
                      form, quiz, action=url_for("quizzes.live_new", quiz_id=quiz.id), back_url=back, error=error,
                      status=status))


# --- participants -------------------------------------------------------------------------------------------

@bp.get("/live")
@login_required
def live_join():
    """Enter a game's code (the QR code opens this page with the code filled in), or pick an open game."""
    form = LiveJoinForm(request.args)
    error = None
    if request.args.get("code") is not None:
        session = live.find_by_code(request.args.get("code", ""))
        if session is not None and live.can_view(current_user, session):
            return redirect_to("quizzes.live_play", live_id=session.id)
        error = "Игра с таким кодом не найдена. Проверьте шесть цифр на экране ведущего."
    games = live.open_sessions(current_user)
    return render_view("quizzes/live_join.html", None, status=404 if error else 200, form=form, error=error,
                       games=games, hosted=[s for s in games if live.can_host(current_user, s)])


def _play_context(session: LiveSession, *, error: str | None = None, saved: bool = False) -> dict:
    team = live.team_of(current_user, session)
    question = session.current if session.status in (LiveStatus.QUESTION, LiveStatus.REVEALED) else None
    answer = live.answer_of(question, team) if question is not None and team is not None else None
    revealed = session.status == LiveStatus.REVEALED
    view = None
    if question is not None:
        view = live.question_view_for(question, response=answer.response if answer else None, revealed=revealed)
    locked = live.locked_teams(question) if question is not None and session.is_brain_ring else set()
    return dict(session=session, team=team, question=question, answer=answer, view=view, revealed=revealed,
                seconds_left=live.seconds_left(question), error=error, saved=saved, locked=locked,
                tag=live.play_tag(session, current_user), is_host=live.can_host(current_user, session),
                standings=live.standings(session) if session.is_finished else [], total=len(session.questions))


def _play_page(session: LiveSession, *, status: int = 200, error: str | None = None, saved: bool = False):
    return render_view("quizzes/live_play.html", "stage", status=status, **_play_context(session, error=error,
                                                                                           saved=saved))


@bp.get("/live/<int:live_id>")
@login_required
def live_play(live_id: int):
    session = _session_or_404(live_id)
    return _polled(live.play_tag(session, current_user), lambda: _play_page(session))


def _participant_action(session: LiveSession, action, *, saved: bool = False):
    """Run a participant's action: on a refusal re-render the screen with the message (422, htmx swaps it)."""
    return submit(None, action, on_success=lambda _: (_play_page(session, saved=saved)
                                                      if request.headers.get("HX-Request")
                                                      else redirect_to("quizzes.live_play", live_id=session.id)),
                  page=lambda error, status: _play_page(session, status=status, error=error))


@bp.post("/live/<int:live_id>/team")
@login_required
def live_join_team(live_id: int):
    session = _session_or_404(live_id)
    team = db.session.get(LiveTeam, int_or(request.form.get("team_id"))) if int_or(request.form.get("team_id")) > 0 \
        else None
    if team is None or team.session_id != session.id:
        return _play_page(session, status=422, error="Выберите команду из списка.")
    return _participant_action(session, lambda: live.join_team(current_user, session, team))


@bp.post("/live/<int:live_id>/answer")
@login_required
def live_answer(live_id: int):
    session = _session_or_404(live_id)
    form = MultiDict((key, value[:255]) for key, value in request.form.items(multi=True))
    return _participant_action(session, lambda: live.submit_answer(
        current_user, session, int_or(request.form.get("position")), form), saved=True)


@bp.post("/live/<int:live_id>/buzz")
@login_required
def live_buzz(live_id: int):
    session = _session_or_404(live_id)
    return _participant_action(session, lambda: live.buzz(current_user, session, int_or(request.form.get("position"))))


@bp.get("/live/<int:live_id>/board")
@login_required
def live_board(live_id: int):
    """The shared leaderboard (projector and phones): the current question without its answer until it is shown,
    and the standings over the questions already shown."""
    session = _session_or_404(live_id)
    tag = live.etag(session.id)

    def render():
        question = session.current if session.status in (LiveStatus.QUESTION, LiveStatus.REVEALED) else None
        revealed = session.status == LiveStatus.REVEALED
        return render_view("quizzes/live_board.html", "board", session=session, standings=live.standings(session),
                           question=question, revealed=revealed, tag=tag, screen=request.args.get("screen") == "1",
                           view=live.question_view_for(question, revealed=revealed) if question else None,
                           seconds_left=live.seconds_left(question), total=len(session.questions))

    return _polled(tag, render)


# --- the host -------------------------------------------------------------------------------------------------

def _host_context(session: LiveSession, *, error: str | None = None, team_form: LiveTeamForm | None = None) -> dict:
    question = session.current if session.status in (LiveStatus.QUESTION, LiveStatus.REVEALED) else None
    revealed = session.status == LiveStatus.REVEALED
    join_url = _join_url(session)
    return dict(session=session, question=question, revealed=revealed, error=error, tag=live.etag(session.id),
                view=live.question_view_for(question, revealed=revealed) if question else None,
                host_view=live.host_answer_view(question) if question is not None else None,
                answers=live.answers_at(question) if question is not None else {},
                seconds_left=live.seconds_left(question), standings=live.standings(session),
                total=len(session.questions), join_url=join_url, qr=_qr(join_url),
                team_form=team_form or LiveTeamForm(formdata=None))


def _host_page(session: LiveSession, *, status: int = 200, error: str | None = None,
               team_form: LiveTeamForm | None = None):
    return render_view("quizzes/live_host.html", "host_stage", status=status,
                       **_host_context(session, error=error, team_form=team_form))


@bp.get("/live/<int:live_id>/host")
@login_required
def live_host(live_id: int):
    session = _hosted_or_404(live_id)
    return _polled(live.etag(session.id) or "", lambda: _host_page(session))


def _host_action(session: LiveSession, action, *, message: str | None = None, **page):
    def done(result):
        for note in (result[1] if isinstance(result, tuple) else []):
            flash(note, "info")
        return redirect_to("quizzes.live_host", live_id=session.id)

    return submit(None, action, message=message, on_success=done,
                  page=lambda error, status: _host_page(session, status=status, error=error, **page))


@bp.post("/live/<int:live_id>/teams")
@login_required
def live_team_add(live_id: int):
    session = _hosted_or_404(live_id)
    form = LiveTeamForm()
    if not form.validate_on_submit():
        return _host_page(session, status=422, error="Назовите команду (от 2 до 100 символов).", team_form=form)
    return _host_action(session, lambda: live.add_team(current_user, session, form.name.data),
                        message="Команда добавлена.", team_form=form)


@bp.post("/live/<int:live_id>/teams/<int:live_team_id>/delete")
@login_required
def live_team_delete(live_id: int, live_team_id: int):
    session = _hosted_or_404(live_id)
    team = visible_or_404(LiveTeam, live_team_id, lambda t: t.session_id == session.id)
    return _host_action(session, lambda: live.remove_team(current_user, session, team), message="Команда убрана.")


@bp.post("/live/<int:live_id>/next")
@login_required
def live_next(live_id: int):
    session = _hosted_or_404(live_id)
    return _host_action(session, lambda: live.next_question(current_user, session,
                                                            int_or(request.form.get("position"))))


@bp.post("/live/<int:live_id>/reveal")
@login_required
def live_reveal(live_id: int):
    session = _hosted_or_404(live_id)
    return _host_action(session, lambda: live.reveal(current_user, session, int_or(request.form.get("position"))))


@bp.post("/live/<int:live_id>/judge")
@login_required
def live_judge(live_id: int):
    session = _hosted_or_404(live_id)
    verdict = request.form.get("verdict")
    if verdict not in ("right", "wrong"):
        return _host_page(session, status=422, error="Отметьте ответ: верно или неверно.")
    return _host_action(session, lambda: live.judge(current_user, session, int_or(request.form.get("position")),
                                                    int_or(request.form.get("team_id")), verdict == "right"))


@bp.post("/live/<int:live_id>/finish")
@login_required
def live_finish(live_id: int):
    session = _hosted_or_404(live_id)
    return _host_action(session, lambda: live.finish(current_user, session),
                        message="Игра завершена, итоги заморожены.")
