"""The phone walk: one small world in which every role has something on its pages, and the pages each role opens
on a 360×740 phone. The walk tests (tests/browser/test_phone_walk.py) check each page for English left on it,
tables whose important column is out of view, and axe-core's serious violations."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tests.factories import make_cohort, make_org, make_user
from tests.support.quiz_bank import bank_quiz
from tests.support.world import certificate_world
from training.accounts.models import Role
from training.audit import services as audit
from training.certificates import services as certificates
from training.certificates.models import Certificate
from training.courses import services as courses
from training.extensions import db
from training.metrics.centre_index import snapshots
from training.metrics.feedback import aspects
from training.metrics.feedback import services as feedback
from training.metrics.operations import comfort, iqs


@dataclass
class WalkWorld:
    users: dict
    pages: dict  # role → paths


def walk_world() -> WalkWorld:
    org = make_org()
    world = certificate_world(org)
    certificates.issue_course_certificates(world.hr, world.cohort.enrolments[:1])
    aspects.seed_touchpoints()
    iqs.seed_categories()
    teacher = make_user(Role.TEACHER, department=org.back_a, full_name="Учителева Ольга Николаевна")
    learner = make_user(department=org.front_a, full_name="Ученикова Анна Петровна")
    manager = make_user(Role.MANAGER, department=org.front_a, full_name="Руководова Елена Павловна")
    cohort = make_cohort(world.course, org.service, teachers=[teacher], learners=[learner])
    bank_quiz(world.course.blocks[0])
    enrolment = cohort.enrolments[0]
    courses.ask_teacher(enrolment, world.course.blocks[0], "Как объяснить заявителю, зачем нужен опрос после приёма?")
    courses.submit_case(enrolment, world.course.blocks[0], "Мой разбор ситуации клиента с расчётом метрик. " * 3)
    link = feedback.link_for(org.centre_a, None, learner)
    feedback.submit_feedback(link, recommend=3, ces=5, expectations=1, comment="Долго ждала в очереди")
    feedback.submit_feedback(link, recommend=10, ces=1, expectations=3, comment="Всё понятно объяснили")
    comfort.seed_items()
    audit.record(world.hr, "user.update", "user", learner.id, before={"position": "Инспектор"},
                 after={"position": "Ведущий инспектор"})
    audit.record(world.hr, "recognition.contest_open", "contest", 1, after={"period": "2026-12"})
    db.session.commit()
    snapshots.refresh_stale()
    users = {"learner": learner, "graduate": world.learners[0], "teacher": teacher, "manager": manager,
             "hr": world.hr, "admin": world.admin}
    certificate = db.session.scalar(db.select(Certificate))
    common = ["/", "/notifications/", "/auth/profile", "/learn/", "/quizzes/", "/metrics/pulse/me",
              "/metrics/competence/me", "/recognition/", "/recognition/board", "/team/", "/team/library"]
    pages = {
        "learner": [*common, "/learn/block/1", "/learn/block/1/case", "/learn/glossary", "/certificates/",
                    "/metrics/answers/new", "/metrics/answers/batch", "/metrics/reports/staff"],
        "graduate": ["/", "/certificates/", f"/certificates/{certificate.id}"],
        "teacher": [*common, "/learn/teach", "/quizzes/manage", f"/quizzes/bank/{world.course.blocks[0].id}",
                    "/quizzes/grading"],
        "manager": [*common, "/metrics/", f"/metrics/pulse/centre/{org.centre_a.id}", "/metrics/follow-ups",
                    "/metrics/feedback", "/metrics/compare", "/metrics/competence/ranking", "/org/staff",
                    "/metrics/iqs", "/learn/cohorts", "/metrics/paper-forms", "/metrics/comfort",
                    "/metrics/comfort/new"],
        "hr": [*common, "/metrics/", f"/metrics/pulse/service/{org.service.id}", "/metrics/compare",
               "/metrics/weights", "/metrics/competence/weights", "/metrics/competence/ranking", "/metrics/courses",
               "/metrics/reports", "/metrics/iqs/categories", "/org/staff", "/org/", "/learn/cohorts",
               f"/learn/cohorts/{cohort.id}", "/certificates/registry", "/certificates/due",
               f"/certificates/{certificate.id}", "/certificates/settings", "/recognition/contests",
               "/team/stress", "/team/quests", "/team/committee", "/metrics/regional-checklist",
               "/metrics/regional-checklist/weights", "/metrics/comfort/items", "/metrics/mentions",
               "/metrics/csi-weights", "/metrics/surveys"],
        "admin": ["/", "/audit/", "/org/staff", "/certificates/registry"],
    }
    return WalkWorld(users, pages)


#: Latin words a Russian page may hold: names of formats, standards and metrics people know by these letters
LATIN_ALLOWED = {
    "GIFT", "Moodle", "XML", "Aiken", "Open", "Badges", "QR", "e-mail", "E-mail", "PDF", "CSV", "XLSX", "Excel",
    "NPS", "eNPS", "CES", "CSI", "FCR", "IQS", "KPI", "CJM", "JPG", "JPEG", "PNG", "n", "Net", "ID", "SLA", "VIP",
    "CSAT", "ZIP", "Word", "Markdown", "HTML", "URL", "Wi-Fi", "Telegram", "WhatsApp", "VK", "SMS", "online", "offline",
}
_SKIP = re.compile(r"\S+@\S+|https?://\S+|\b[\w.-]+\.(ru|pdf|csv|xlsx|png|jpg|gift|xml)\b")
_LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z-]*(?![\w-])")


def latin_words(text: str) -> list[str]:
    """Words in Latin letters only that are not on the allow-list (e-mails, links and file names aside)."""
    return sorted({w for w in _LATIN_WORD.findall(_SKIP.sub(" ", text)) if w not in LATIN_ALLOWED})


TABLES_OUT_OF_VIEW_JS = """() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    document.querySelectorAll("table.table").forEach((table, index) => {
        if (!table.offsetParent) { return; }  // folded away (a closed <details>)
        const name = table.querySelector("caption")?.textContent.trim() || `таблица ${index + 1}`;
        const column = parseInt(table.dataset.keyColumn || "1", 10) - 1;  // the important column, 1st by default
        const keys = [...table.querySelectorAll("tbody tr")].map(row => row.cells[column]).filter(Boolean);
        const pinned = table.dataset.layout === "scroll" && column === 0;
        const cue = table.previousElementSibling;
        const cueShown = cue && cue.classList.contains("swipe-cue") && cue.offsetParent !== null;
        for (const cell of keys) {
            const box = cell.getBoundingClientRect();
            if (box.width === 0) { continue; }
            if ((box.left < 0 || box.right > width + 1) && !(pinned && cueShown)) {
                problems.push(`${name}: «${cell.textContent.trim().slice(0, 30)}» out of view`);
                break;
            }
        }
    });
    return problems;
}"""


def tables_out_of_view(page) -> list[str]:
    """Tables whose important column (data-key-column, the first by default) is out of the phone's view, unless
    the table is pinned (data-layout="scroll": the first column stays) and shows its swipe cue."""
    return page.evaluate(TABLES_OUT_OF_VIEW_JS)
