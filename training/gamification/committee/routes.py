"""The Комитет клиентоцентричности (/team/committee): members appointed by HR."""
from __future__ import annotations

from flask import flash, request
from flask_login import current_user, login_required

from training.accounts import scopes
from training.accounts.models import Role, User
from training.errors import DomainError
from training.extensions import db
from training.gamification.committee import bp
from training.gamification.committee import services as committee
from training.gamification.committee.forms import CommitteeForm
from training.gamification.committee.models import CommitteeMember
from training.web import redirect_to, render_view, role_required, submit


def _committee_page(form: CommitteeForm, *, status: int = 200, error: str | None = None):
    service_id = current_user.regional_service_id
    return render_view("gamification/committee/index.html", None, status=status, form=form, error=error,
                       members=committee.members(service_id),
                       can_appoint=committee.can_appoint(current_user, service_id))


def _committee_form(formdata=None) -> CommitteeForm:
    form = CommitteeForm(formdata=formdata)
    staff = db.session.scalars(scopes.active_staff(current_user.regional_service_id))
    form.user_id.choices = [(0, "—")] + [(u.id, u.full_name) for u in staff]
    return form


@bp.get("/committee")
@login_required
def index():
    return _committee_page(_committee_form())


@bp.post("/committee")
@role_required(*Role.SERVICE_ADMINS)
def add():
    form = _committee_form(formdata=request.form)

    def add_member() -> User:
        user = db.session.get(User, form.user_id.data)
        if user is None or current_user.regional_service_id is None:
            raise DomainError("Сотрудник не найден.")
        committee.add_member(current_user, current_user.regional_service_id, user, is_chair=form.is_chair.data)
        return user

    return submit(form, add_member, message=lambda user: f"{user.full_name} — в комитете.",
                  on_success=lambda _: redirect_to("committee.index"),
                  page=lambda error, status: _committee_page(form, status=status, error=error))


@bp.post("/committee/<int:committee_member_id>/remove")
@role_required(*Role.SERVICE_ADMINS)
def remove(committee_member_id: int):
    member = db.get_or_404(CommitteeMember, committee_member_id)
    committee.remove_member(current_user, member)
    db.session.commit()
    flash("Состав комитета обновлён.", "success")
    return redirect_to("committee.index")
