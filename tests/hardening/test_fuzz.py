"""Hostile input to every form and every public endpoint: never a 500, and a rejected request changes nothing.

Endpoints come from ``app.url_map``: every rule accepting POST/PUT/PATCH/DELETE, and every public rule (marked
with ``training.web.public`` or PUBLIC in a tests/<domain>/access.py table). URLs are built from the access
tables' ``url_arguments(ctx)``; each endpoint is used by the least privileged person allowed to (see
``world.actor_for``), starting from a fresh copy of the same world.

Each endpoint's fields and valid defaults are read from the forms of the rendered pages (as a browser would
submit them); Hypothesis then keeps, drops, repeats or replaces fields with hostile values — very long strings,
unicode, control characters, SQL/HTML/JS/template/formula injection, wrong types, huge and negative numbers,
malformed dates — uploads files that are not what they claim, sometimes as an htmx request, and now and then
points the URL at objects that do not exist (huge ids, hostile path segments).

Rejection (4xx) must leave every table exactly as it was (row count and content). No table is exempt: the app
keeps rate-limit counters in the limiter's storage (memory/Redis), never in the database, and records no
failed sign-in. Runs are deterministic (``derandomize=True``) and bounded (EXAMPLES per endpoint)."""
from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter, PathConverter
from werkzeug.test import encode_multipart

from tests.core.access import PUBLIC
from tests.hardening import hostile
from tests.hardening.pages import Field, Form, forms_in
from tests.hardening.world import ACCESS, WorldApp, actor_for, changed_tables, snapshot, table_names, url_for_rule
from tests.support.app import make_test_app
from training.extensions import limiter

# a few examples per endpoint keep the run short in CI and the same on every run; HARDENING_EXAMPLES=50 explores
# further, HARDENING_RANDOM=1 draws new examples each run (for exploring by hand, not for CI)
EXAMPLES = int(os.environ.get("HARDENING_EXAMPLES", "8"))
DERANDOMIZE = not os.environ.get("HARDENING_RANDOM")
pytestmark = [
    # Hypothesis warns when it keeps the repr of a 100 kB string; that is the point of these examples
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
    # werkzeug's multipart parser leaves an uploaded part's SpooledTemporaryFile for the garbage collector when a
    # later field exceeds max_form_memory_size (413) — a plain Flask app does the same; not the app's file
    pytest.mark.filterwarnings("ignore:Unclosed file <tempfile.SpooledTemporaryFile:ResourceWarning"),
    pytest.mark.filterwarnings("ignore:Exception ignored in. <function SpooledTemporaryFile.__del__"
                               ":pytest.PytestUnraisableExceptionWarning"),
]
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# tables a rejected request may legitimately change (none: see the module docstring)
MAY_CHANGE_ON_REJECTION: set[str] = set()

_MAP_APP = make_test_app(SQLALCHEMY_DATABASE_URI="sqlite://")
_RULES = {rule.endpoint: rule for rule in _MAP_APP.url_map.iter_rules()}


def _is_public(endpoint: str) -> bool:
    view = _MAP_APP.view_functions[endpoint]
    return getattr(view, "is_public", False) or ACCESS.get(endpoint) == PUBLIC


FORM_ENDPOINTS = sorted(e for e, r in _RULES.items() if r.methods & WRITE_METHODS)
PUBLIC_GET_ENDPOINTS = sorted(e for e, r in _RULES.items() if "GET" in r.methods and _is_public(e))


# --- learning the forms ----------------------------------------------------------------------------------------

@dataclass
class Catalogue:
    forms: dict[str, Form] = field(default_factory=dict)  # write endpoint → merged form
    query_fields: dict[str, Form] = field(default_factory=dict)  # GET endpoint → its filter forms, merged
    templates: dict[str, bytes] = field(default_factory=dict)  # CSV templates offered for download
    all_names: set[str] = field(default_factory=set)


def _merge(into: dict[str, Form], endpoint: str, form: Form) -> None:
    merged = into.setdefault(endpoint, Form(action=form.action, method=form.method, enctype=form.enctype))
    for name, f in form.fields.items():
        merged.fields.setdefault(name, f)


@pytest.fixture(scope="module")
def catalogue(page_walk) -> Catalogue:
    """The forms of every page everyone sees (from the shared walk of all GET pages)."""
    result = Catalogue()
    adapter = _MAP_APP.url_map.bind("localhost")
    for visit in page_walk:
        if "text/csv" in visit.content_type and "template" in visit.endpoint:
            result.templates[visit.endpoint] = visit.body
        if visit.status != 200 or not visit.is_html or visit.htmx:
            continue
        for form in forms_in(visit.body.decode(), visit.url):
            path = form.action.split("?", 1)[0].split("#", 1)[0]
            result.all_names.update(form.fields)
            try:
                endpoint, _ = adapter.match(path, method="POST" if form.method == "post" else "GET")
            except (NotFound, MethodNotAllowed):
                continue
            _merge(result.forms if form.method == "post" else result.query_fields, endpoint, form)
    return result


# --- payloads --------------------------------------------------------------------------------------------------

def _field_value(f: Field, catalogue: Catalogue, endpoint: str):
    if f.kind == "file":
        sources = [hostile.lying_file()]
        for name, template in catalogue.templates.items():
            if name.split(".")[0] == endpoint.split(".")[0]:
                sources.append(hostile.template_with_hostile_cells(template))
        return st.one_of(*sources).map(lambda t: (io.BytesIO(t[1]), t[0], t[2]))
    options = [o for o in f.options if o is not None]
    choices = [hostile.values()]
    if f.kind in ("number", "hidden", "select") or f.value.lstrip("-").isdigit() \
            or any(o.isdigit() for o in options):
        choices.append(hostile.numbers())
    if options:
        choices.append(st.sampled_from(options))
    if f.kind in ("select", "checkbox") and options:
        # several values for one name: a multi-select, or a tampered single one
        choices.append(st.lists(st.one_of(st.sampled_from(options), hostile.values()), min_size=2, max_size=4))
    return st.one_of(*choices)


@st.composite
def payloads(draw, form: Form | None, catalogue: Catalogue, endpoint: str):
    data: dict[str, object] = {}
    fields = dict(form.fields) if form else {}
    defaults = form.defaults() if form else {}
    for name in sorted(fields):
        f = fields[name]
        action = draw(st.sampled_from(["keep", "keep", "hostile", "hostile", "drop"]))
        if action == "drop":
            continue
        if action == "keep" and f.kind != "file":
            if name in defaults:
                data[name] = defaults[name]
            continue
        data[name] = draw(_field_value(f, catalogue, endpoint))
    # fields the form does not have (mass assignment, a stale or forged form)
    pool = sorted(catalogue.all_names - fields.keys()) or ["id"]
    extra = draw(st.lists(st.sampled_from(pool), max_size=3 if fields else 6, unique=True))
    for name in extra:
        data[name] = draw(hostile.values())
    return data


@st.composite
def path_overrides(draw, rule):
    """Mostly the world's objects; sometimes objects that do not exist or hostile path segments."""
    overrides = {}
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        if not draw(st.booleans()) or not draw(st.booleans()):  # 3 in 4 keep the real value
            continue
        if isinstance(converter, IntegerConverter):
            overrides[name] = draw(st.sampled_from([0, 1, 2 ** 31, 2 ** 63 - 1, 2 ** 63, 10 ** 30]))
        elif isinstance(converter, PathConverter):
            overrides[name] = draw(st.sampled_from(["../../etc/passwd", "css/../../../__init__.py", "%00", "a" * 300]))
        else:
            value = draw(hostile.values())
            overrides[name] = value.replace("/", "_") or "x"
    return overrides


# --- what a person meets ---------------------------------------------------------------------------------------

# The answers the app gives (training/web.py redirect_to, training/security.py, training/errors.py): a page or a
# document, the htmx redirect (204 with HX-Redirect), the redirect after a write (303), the way to the sign-in page
# (302, or 401 with HX-Redirect for htmx), and the refusals, each with its reason.
ACCEPTED = {200, 204, 302, 303}
REFUSED = {400, 401, 403, 404, 409, 413, 422}
SIGN_IN_PAGES = ("/auth/login", "/auth/first-password")
RUSSIAN_HEADING = re.compile(r"<h1[^>]*>[^<]*[А-Яа-яЁё]")


def answer_problem(method: str, status: int, headers, body: str, as_htmx: bool) -> str | None:
    """What is wrong with an answer as a person meets it, beyond the status being below 500; None: nothing."""
    if status not in ACCEPTED | REFUSED:
        return "not an answer the app gives"
    if status == 303 and (as_htmx or not headers.get("Location")):
        return "303 answers a plain request, with a Location (htmx gets 204 and HX-Redirect)"
    if status == 204 and not as_htmx:
        return "204 answers htmx requests only"
    if status == 204 and method != "GET" and not headers.get("HX-Redirect"):
        return "a write answered with 204 must say where to go (HX-Redirect)"
    if status in (302, 401):
        target = headers.get("HX-Redirect" if status == 401 else "Location", "")
        if (status == 401) != as_htmx or not target.startswith(SIGN_IN_PAGES):
            return "302 (plain) and 401 (htmx) only send a person to sign in"
    if status in REFUSED - {401} and not as_htmx:
        kind = headers.get("Content-Type", "")
        if "json" in kind:
            if "error" not in json.loads(body):
                return "a refusal in JSON without its error"
        elif not RUSSIAN_HEADING.search(body):
            return "a refusal without a page in Russian saying what happened"
    return None


# --- running ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_app(world, tmp_path_factory):
    app = WorldApp(world, tmp_path_factory.mktemp("fuzz"), RATELIMIT_ENABLED=False)
    yield app
    app.close()


@pytest.fixture(autouse=True)
def _no_rate_limits(fuzz_app):
    """The limiter is one object shared by every app of the process; the fuzzing is about input, not floods
    (tests/hardening/test_headers.py checks the limits)."""
    limiter.enabled = False
    yield
    limiter.enabled = True


def _describe(payload) -> str:
    def short(value):
        if isinstance(value, tuple) and value and isinstance(value[0], io.BytesIO):
            return f"<file {value[1]!r} {value[2]}>"
        text = repr(value)
        return text if len(text) < 120 else text[:100] + f"…({len(text)} chars)"

    return "{" + ", ".join(f"{k!r}: {short(v)}" for k, v in payload.items()) + "}"


def _body(payload) -> dict:
    """Keyword arguments for the test client: url-encoded, or multipart built in memory when a file is sent
    (the test client would spill a large multipart body to a temporary file it never closes)."""
    files = {k: v for k, v in payload.items() if isinstance(v, tuple) and v and isinstance(v[0], io.BytesIO)}
    if not files:
        return {"data": payload}
    values = MultiDict()
    for key, value in payload.items():
        if key in files:
            data, filename, mime = value
            values.add(key, FileStorage(io.BytesIO(data.getvalue()), filename=filename, content_type=mime))
        elif isinstance(value, list):
            for item in value:
                values.add(key, item)
        else:
            values.add(key, value)
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def _run(fuzz_app, world, endpoint: str, method: str, strategy, *, query: bool = False) -> None:
    fuzz_app.reset()
    who = actor_for(endpoint)
    client = fuzz_app.client(who)
    rule = _RULES[endpoint]
    tables = table_names(fuzz_app.path)
    state = {"before": snapshot(fuzz_app.path, tables)}

    # no shrinking: it would replay a failing request hundreds of times; the report shows the failing example
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None, print_blob=False,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy, path_overrides(rule), st.booleans())
    def attempt(payload, overrides, as_htmx):
        url = url_for_rule(fuzz_app.app, rule, world.arguments, **overrides)
        headers = {"HX-Request": "true"} if as_htmx else {}
        what = f"{method} {url} as {who or 'anonymous'}{' (htmx)' if as_htmx else ''} with {_describe(payload)}"
        try:
            if query:
                response = client.open(url, method=method, query_string=payload, headers=headers)
            else:
                response = client.open(url, method=method, headers=headers, **_body(payload))
        except Exception as exc:  # TESTING propagates exceptions: this is the 500 a user would see
            raise AssertionError(f"{what}: server error {type(exc).__name__}: {exc}") from exc
        status = response.status_code
        body = response.get_data().decode(errors="replace")
        response.close()
        assert status < 500, f"{what}: {status}\n{body[-800:]}"
        problem = answer_problem(method, status, response.headers, body, as_htmx)
        assert problem is None, f"{what}: {status}: {problem}\n{body[-800:]}"
        after = snapshot(fuzz_app.path, tables)
        if 400 <= status < 500:
            changes = {t: c for t, c in changed_tables(state["before"], after).items()
                       if t not in MAY_CHANGE_ON_REJECTION}
            assert not changes, f"{what}: rejected with {status} but the database changed: {changes}"
        state["before"] = after

    attempt()


@pytest.mark.parametrize("endpoint", FORM_ENDPOINTS)
def test_hostile_form_posts(fuzz_app, world, catalogue, endpoint):
    rule = _RULES[endpoint]
    method = sorted(rule.methods & WRITE_METHODS)[0]
    form = catalogue.forms.get(endpoint)
    _run(fuzz_app, world, endpoint, method, payloads(form, catalogue, endpoint))


@pytest.mark.parametrize("endpoint", PUBLIC_GET_ENDPOINTS)
def test_hostile_public_requests(fuzz_app, world, catalogue, endpoint):
    names = sorted({"page", "k", "sent", "q", "next", "v", "screen", "month", "lang", "format"}
                   | set(catalogue.query_fields.get(endpoint, Form("", "get")).fields))
    query = st.dictionaries(st.sampled_from(names), hostile.values(), max_size=4)
    _run(fuzz_app, world, endpoint, "GET", query, query=True)


def test_hostile_filters_on_list_pages(fuzz_app, world, catalogue):
    """The search and filter forms (method GET) of the signed-in pages get hostile query strings too."""
    failures = []
    endpoints = sorted(e for e in catalogue.query_fields if not _is_public(e) and e in ACCESS)
    assert len(endpoints) >= 10, endpoints
    for endpoint in endpoints:
        form = catalogue.query_fields[endpoint]
        form.fields.setdefault("page", Field("page", "number", "1"))
        try:
            _run(fuzz_app, world, endpoint, "GET", payloads(form, catalogue, endpoint), query=True)
        except AssertionError as exc:
            failures.append(str(exc).split("\n", 1)[0][:600])
    assert not failures, "\n".join(failures)


# Write endpoints whose form no page of the world shows, and why; they are fuzzed with the pool of every field
# name seen anywhere instead of their own fields.
SHOWN_ONLY_IN_OTHER_STATES = {
    "accounts.first_password": "only to a person who must replace a one-time password",
    "ratings.aspects_customise": "only while the service still uses the default aspects",
    "library.moderate": "only for a case awaiting moderation (the world's case is published)",
    "quests.close": "only while the quest runs (the world's quest is being prepared)",
    "quests.score": "only while the quest runs",
    "stress.archive": "only for a past month",
    "onboarding.buddy": "only while the plan has no buddy who agreed (the world's buddy agreed)",
    "ideas.member_add": "only on an idea the committee accepted into a project (the world's idea is proposed)",
    "ideas.milestone_add": "only on an idea the committee accepted into a project",
    "ideas.milestone_toggle": "only on an idea the committee accepted into a project",
    "ideas.finish": "only on an idea the committee accepted into a project",
    "ideas.assist_accept": "only to the asker of a Peer Assist request once a colleague offered help (none has)",
    "ideas.assist_schedule": "only to the asker of a Peer Assist request with an accepted offer (none is)",
    "onboarding.respond": "only to a colleague invited to be the buddy (the world's buddy already agreed)",
    "onboarding.checkin": "only from a week before the 1- or 3-month date (the world's newcomer started 10 days ago)",
    "quizzes.submit": "on the finish page of an open attempt, reached after answering",
    "quizzes.time_up": "only on the «Время вышло» page of an attempt whose time has run out",
    "courses.lesson_opened": "posted by the lesson page itself when it loads (hx-trigger=load), not a form",
    "courses.owner_remove": "only for a course with a named owner (the hardening world's course has none)",
    "accounts.end_session": "only to a person signed in on another device as well (the walk has one session)",
    "accounts.end_other_sessions": "only to a person signed in on another device as well",
    # the hardening world holds no event; tests/events walks these forms through an event's life
    "events.create": "reached from a format's «Назначить» (/events/new?format=…); without it the catalogue opens",
    "events.unregister": "only to a registered participant of an upcoming event",
    "events.attendance": "only to the organiser once the event has begun",
    "events.participant_role": "only to the organiser of an event with participants",
    "events.feedback": "only to a participant who attended, after the event",
    "events.finish": "only to the organiser once the event has begun",
    # the world's live game is in its lobby (tests/quizzes/access.py): these forms appear once a question is open
    "quizzes.live_answer": "only while a question of a викторина is open",
    "quizzes.live_buzz": "only while a question of a брейн-ринг is open",
    "quizzes.live_judge": "only while a брейн-ринг team holds the turn",
    "quizzes.live_reveal": "only while a question is open",
    # the survey link exists only in the e-mail or SMS that carried it (tests/metrics/test_surveys.py answers it)
    "client_feedback.survey": "only through a one-time link sent by e-mail or SMS, never shown on a page",
}


def test_every_form_endpoint_was_found(catalogue):
    """The walk sees the form of every write endpoint, except those listed with a reason: a new endpoint
    whose form no page shows must be added there (or given a world state that shows it)."""
    blind = {e for e in FORM_ENDPOINTS if e not in catalogue.forms}
    assert blind <= SHOWN_ONLY_IN_OTHER_STATES.keys(), sorted(blind - SHOWN_ONLY_IN_OTHER_STATES.keys())
