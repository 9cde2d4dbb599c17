"""``flask certificates …``: kinds, background rendering of PDFs."""
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from training.certificates import services
from training.certificates.models import Certificate, CertificateKind
from training.certificates.pdf import cached_pdf
from training.extensions import db

certificates_cli = AppGroup("certificates", help="Сертификаты и дипломы.")


@certificates_cli.command("kinds")
def kinds_command() -> None:
    """Виды документов: код, серия номеров, срок действия."""
    for kind in services.all_kinds():
        validity = f"{kind.validity_years} г." if kind.validity_years else "бессрочно"
        click.echo(f"{kind.code:<20} {kind.prefix:<5} {validity:<10} {kind.name}")
    db.session.commit()


@certificates_cli.command("set-validity")
@click.argument("code")
@click.argument("years", type=int)
def set_validity_command(code: str, years: int) -> None:
    """Срок действия вида документа в годах (0 — бессрочно). Применяется к новым документам."""
    kind = db.session.scalar(select(CertificateKind).where(CertificateKind.code == code))
    if kind is None:
        raise click.ClickException(f"Нет вида «{code}».")
    kind.validity_years = years or None
    db.session.commit()
    click.echo(f"{kind.name}: {f'{years} г.' if years else 'бессрочно'}")


@certificates_cli.command("render")
@click.option("--limit", default=1000, show_default=True, help="Сколько документов обработать.")
def render_command(limit: int) -> None:
    """Заранее отрисовать PDF документов в кэш (нужен PUBLIC_BASE_URL: адрес печатается в QR-коде)."""
    if not current_app.config.get("PUBLIC_BASE_URL"):
        raise click.ClickException("Задайте PUBLIC_BASE_URL: без него адрес проверки в QR-коде неизвестен.")
    started = time.perf_counter()
    count = 0
    for certificate in db.session.scalars(select(Certificate).order_by(Certificate.id.desc()).limit(limit)):
        cached_pdf(certificate, services.verification_url(certificate))
        count += 1
    click.echo(f"PDF в кэше: {count} за {time.perf_counter() - started:.1f} с")
