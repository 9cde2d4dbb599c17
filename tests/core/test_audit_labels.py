"""The audit log speaks Russian: every action the program records has a label, objects are named in words."""
import re
from pathlib import Path

from tests.factories import make_org, make_user
from training.accounts.models import Role
from training.audit import services as audit
from training.audit.labels import ACTION_LABELS, action_label, object_label
from training.extensions import db

SOURCE = Path(__file__).resolve().parents[2] / "training"


def test_every_action_the_program_records_reads_in_russian():
    recorded = set()
    for path in SOURCE.rglob("*.py"):
        recorded.update(re.findall(r"record\([^,()]+, *\"([a-z_]+\.[a-z_]+)\"", path.read_text(encoding="utf-8")))
    code_like = re.compile(r"[a-z]")  # a code or an English word; «IQS» and such stay in capitals
    assert recorded and [code for code in sorted(recorded) if code_like.search(action_label(code))] == []
    assert len(recorded & set(ACTION_LABELS)) >= len(recorded) - 5  # a few new codes may wait for their label
    assert action_label("quest.something_new") == "Квесты: другое действие"
    assert object_label("contest", 1) == "конкурс № 1"


def test_the_log_shows_labels_not_codes(client, login):
    org = make_org()
    admin = make_user(Role.ADMIN, service=org.service)
    audit.record(admin, "recognition.contest_open", "contest", 1, after={"period": "2026-12"})
    db.session.commit()
    login(admin)
    page = client.get("/audit/").get_data(as_text=True)
    assert "Конкурс «Сотрудник месяца» открыт" in page and "конкурс № 1" in page and "период" in page
    assert "recognition.contest_open</" not in page and "contest #1" not in page
