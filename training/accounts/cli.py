"""``flask accounts …``: the first administrator of a new installation."""
import click
from flask.cli import AppGroup

from training.accounts.models import Role, User, normalise_email
from training.accounts.services import find_by_email, issue_one_time_password
from training.audit import services as audit
from training.extensions import db

accounts_cli = AppGroup("accounts", help="Учётные записи.")


@accounts_cli.command("create-admin")
@click.argument("email")
@click.argument("full_name")
def create_admin(email: str, full_name: str) -> None:
    """Создать администратора (или дать роль существующему) и напечатать одноразовый пароль."""
    user = find_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), full_name=full_name.strip(), position="Администратор платформы")
        db.session.add(user)
    roles = user.roles | {Role.ADMIN}
    user.set_roles(roles)
    password = issue_one_time_password(user)
    db.session.flush()
    audit.record(None, "user.create_admin", "user", user.id, after={"email": user.email},
                 summary=f"Администратор создан из командной строки: {user.email}")
    db.session.commit()
    click.echo(f"Администратор {user.email}. Одноразовый пароль: {password}")
    click.echo("При первом входе система попросит задать собственный пароль.")
