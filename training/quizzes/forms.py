"""Forms of the quizzes domain. They check the shape of the data; services and the GIFT rules check the rest."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from training.forms import RuIntegerField
from training.quizzes.gift import GiftAnswer, GiftNumericAnswer, GiftPair, GiftQuestion
from training.quizzes.grading import format_number, parse_number
from training.quizzes.models import GradingMethod, Preset, ReviewWhen
from training.quizzes.question_types import QuestionType
from training.templating import DISPLAY_TZ

FORMAT_CHOICES = [("moodle", "обычный текст (можно HTML)"), ("markdown", "Markdown"), ("html", "HTML"),
                  ("plain", "простой текст")]


def to_utc(local: datetime | None) -> datetime | None:
    """A date and time typed in Moscow time → UTC."""
    return local.replace(tzinfo=DISPLAY_TZ).astimezone(UTC) if local else None


def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(DISPLAY_TZ).replace(tzinfo=None) if value else None


def _number_or_none(text: str | None) -> float | None:
    return parse_number(text) if text and text.strip() else None


# --- question editor ----------------------------------------------------------------------------------------

class AnswerRow(Form):
    text = StringField("Ответ", validators=[Optional(), Length(max=2000)])
    percent = StringField("Доля балла, %", validators=[Optional(), Length(max=12)])
    feedback = StringField("Отзыв на этот ответ", validators=[Optional(), Length(max=2000)])


class PairRow(Form):
    question = StringField("Вопрос пары", validators=[Optional(), Length(max=1000)])
    answer = StringField("Ответ пары", validators=[Optional(), Length(max=1000)])


class NumberRow(Form):
    value = StringField("Число", validators=[Optional(), Length(max=40)])
    tolerance = StringField("Допуск ±", validators=[Optional(), Length(max=40)])
    percent = StringField("Доля балла, %", validators=[Optional(), Length(max=12)])
    feedback = StringField("Отзыв", validators=[Optional(), Length(max=2000)])


class QuestionForm(FlaskForm):
    name = StringField("Название", validators=[DataRequired("Укажите название вопроса."), Length(max=255)])
    category_id = SelectField("Категория", coerce=int, validate_choice=False)
    new_category = StringField("…или новая категория", validators=[Optional(), Length(max=255)])
    text = TextAreaField("Текст вопроса", validators=[DataRequired("Напишите текст вопроса."), Length(max=20000)])
    format = SelectField("Формат текста", choices=FORMAT_CHOICES, default="moodle")
    general_feedback = TextAreaField("Общий отзыв (после ответа; для эссе — критерии проверки)",
                                     validators=[Optional(), Length(max=20000)])
    answers = FieldList(FormField(AnswerRow), min_entries=0)
    tf_right = RadioField("Верное утверждение?", choices=[("true", "верно"), ("false", "неверно")], default="true")
    tf_feedback_true = StringField("Отзыв, если ответили «верно»", validators=[Optional(), Length(max=2000)])
    tf_feedback_false = StringField("Отзыв, если ответили «неверно»", validators=[Optional(), Length(max=2000)])
    pairs = FieldList(FormField(PairRow), min_entries=0)
    numbers = FieldList(FormField(NumberRow), min_entries=0)

    def pad(self, qtype: str) -> None:
        """Leave a few empty rows to add answers without JavaScript."""
        rows = {QuestionType.MULTICHOICE: (self.answers, 5), QuestionType.SHORTANSWER: (self.answers, 3),
                QuestionType.MATCHING: (self.pairs, 5), QuestionType.NUMERICAL: (self.numbers, 2)}
        if qtype in rows:
            field, spare = rows[qtype]
            filled = sum(1 for entry in field if any((v or "").strip() for v in entry.data.values()))
            while len(field) < max(filled + 2, spare):
                field.append_entry()

    def fill(self, gift: GiftQuestion, category_id: int) -> None:
        self.name.data, self.text.data, self.format.data = gift.name, gift.text, gift.format
        self.general_feedback.data, self.category_id.data = gift.general_feedback, category_id
        if gift.type in (QuestionType.MULTICHOICE, QuestionType.SHORTANSWER):
            for answer in gift.answers:
                self.answers.append_entry({"text": answer.text, "percent": format_number(answer.fraction * 100),
                                           "feedback": answer.feedback})
        if gift.type == QuestionType.TRUEFALSE:
            by_text = {a.text: a for a in gift.answers}
            self.tf_right.data = "true" if by_text.get("true") and by_text["true"].fraction >= 1 else "false"
            self.tf_feedback_true.data = by_text["true"].feedback if "true" in by_text else ""
            self.tf_feedback_false.data = by_text["false"].feedback if "false" in by_text else ""
        for pair in gift.pairs:
            self.pairs.append_entry({"question": pair.question, "answer": pair.answer})
        for number in gift.numerical:
            self.numbers.append_entry({
                "value": "*" if number.value is None else format_number(number.value),
                "tolerance": format_number(number.tolerance), "percent": format_number(number.fraction * 100),
                "feedback": number.feedback})

    def to_gift(self, qtype: str, category_name: str | None) -> tuple[GiftQuestion, list[str]]:
        """The form as a GIFT question, and the problems the form itself can see (numbers that are not numbers)."""
        problems: list[str] = []
        gift = GiftQuestion(type=qtype, name=(self.name.data or "").strip(), text=(self.text.data or "").strip(),
                            format=self.format.data or "moodle", category=category_name,
                            general_feedback=(self.general_feedback.data or "").strip())

        def percent(text: str | None, default: float, row: int) -> float:
            if not (text or "").strip():
                return default
            value = parse_number(text)
            if value is None or not -100 <= value <= 100:
                problems.append(f"строка {row}: доля балла — число от −100 до 100")
                return 0.0
            return round(value / 100, 7)

        if qtype in (QuestionType.MULTICHOICE, QuestionType.SHORTANSWER):
            for row, entry in enumerate(self.answers, start=1):
                text = (entry.text.data or "").strip()
                if text:
                    default = 1.0 if qtype == QuestionType.SHORTANSWER else 0.0
                    gift.answers.append(GiftAnswer(text, percent(entry.percent.data, default, row),
                                                   (entry.feedback.data or "").strip()))
            if qtype == QuestionType.MULTICHOICE:
                gift.single = sum(1 for a in gift.answers if a.fraction > 0) == 1 and any(
                    a.fraction == 1 for a in gift.answers)
        elif qtype == QuestionType.TRUEFALSE:
            right = self.tf_right.data == "true"
            gift.answers = [GiftAnswer("true", 1.0 if right else 0.0, (self.tf_feedback_true.data or "").strip()),
                            GiftAnswer("false", 0.0 if right else 1.0, (self.tf_feedback_false.data or "").strip())]
        elif qtype == QuestionType.MATCHING:
            for entry in self.pairs:
                question, answer = (entry.question.data or "").strip(), (entry.answer.data or "").strip()
                if question or answer:
                    gift.pairs.append(GiftPair(question, answer))
        elif qtype == QuestionType.NUMERICAL:
            for row, entry in enumerate(self.numbers, start=1):
                raw = (entry.value.data or "").strip()
                if not raw:
                    continue
                value = None if raw == "*" else parse_number(raw)
                if raw != "*" and value is None:
                    problems.append(f"строка {row}: «{raw}» не число")
                    continue
                tolerance = _number_or_none(entry.tolerance.data) or 0.0
                gift.numerical.append(GiftNumericAnswer(value, abs(tolerance),
                                                        percent(entry.percent.data, 1.0, row),
                                                        (entry.feedback.data or "").strip()))
        return gift, problems


class BankUploadForm(FlaskForm):
    file = FileField("Файл с вопросами: GIFT, Moodle XML или Aiken (UTF-8)",
                     validators=[FileRequired("Выберите файл.")])
    skip_unsupported = BooleanField("Да, пропустить вопросы неподдерживаемых типов и загрузить остальные")


GiftUploadForm = BankUploadForm


# --- quiz settings ------------------------------------------------------------------------------------------

class QuizSettingsForm(FlaskForm):
    title = StringField("Название", validators=[DataRequired("Назовите тест."), Length(max=300)])
    description = TextAreaField("Описание для слушателей", validators=[Optional(), Length(max=4000)])
    preset = SelectField("Набор настроек", choices=[(p.value, p.label) for p in Preset])
    questions_per_attempt = RuIntegerField("Вопросов в попытке (0 — все вопросы банка)", default=10,
                                         validators=[NumberRange(0, 200, "От 0 до 200.")])
    is_answers_shuffled = BooleanField("Перемешивать варианты ответов")
    time_limit_minutes = RuIntegerField("Ограничение времени, минут (пусто — без ограничения)",
                                      validators=[Optional(), NumberRange(1, 600, "От 1 до 600 минут.")])
    max_attempts = RuIntegerField("Число попыток (пусто — без ограничения)",
                                validators=[Optional(), NumberRange(1, 100, "От 1 до 100.")])
    grading_method = SelectField("Какая попытка засчитывается", choices=[(m.value, m.label) for m in GradingMethod])
    pass_percent = RuIntegerField("Проходной балл, %", default=70, validators=[NumberRange(0, 100, "От 0 до 100.")])
    feedback_bands = TextAreaField("Отзыв по результату: строка «80: текст» — для 80 % и выше",
                                   validators=[Optional(), Length(max=8000)])
    review_when = SelectField("Когда слушатель видит разбор", choices=[(w.value, w.label) for w in ReviewWhen])
    is_score_shown = BooleanField("Балл")
    is_right_answers_shown = BooleanField("Верные ответы")
    is_feedback_shown = BooleanField("Отзывы к ответам и общий отзыв")
    open_at = DateTimeLocalField("Открывается (время московское)", validators=[Optional()])
    close_at = DateTimeLocalField("Закрывается (время московское)", validators=[Optional()])
    is_published = BooleanField("Опубликован (виден сотрудникам)")

    def validate_feedback_bands(self, field) -> None:
        parse_bands(field.data or "")


def parse_bands(text: str) -> list[dict]:
    bands = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        head, sep, body = line.partition(":")
        value = parse_number(head)
        if not sep or value is None or not 0 <= value <= 100 or not body.strip():
            raise ValidationError(f"Строка {number}: пишите «80: текст отзыва» (порог от 0 до 100).")
        bands.append({"min_percent": value, "text": body.strip()})
    return sorted(bands, key=lambda b: b["min_percent"], reverse=True)


def bands_text(bands: list[dict]) -> str:
    return "\n".join(f"{format_number(b['min_percent'])}: {b['text']}" for b in bands or [])


class OverrideForm(FlaskForm):
    email = StringField("Сотрудник (e-mail)", validators=[Optional(), Length(max=254)])
    cohort_id = SelectField("…или группа", coerce=int, default=0)
    close_at = DateTimeLocalField("Новый срок закрытия (время московское)", validators=[Optional()])
    time_limit_minutes = RuIntegerField("Время на попытку, минут (0 — без ограничения)",
                                      validators=[Optional(), NumberRange(0, 600, "От 0 до 600.")])
    max_attempts = RuIntegerField("Число попыток (0 — без ограничения)",
                                validators=[Optional(), NumberRange(0, 100, "От 0 до 100.")])


class GradeForm(FlaskForm):
    mark = StringField("Оценка", validators=[DataRequired("Поставьте оценку.")])
    comment = TextAreaField("Комментарий слушателю", validators=[Optional(), Length(max=4000)])

    def validate_mark(self, field) -> None:
        if parse_number(field.data) is None:
            raise ValidationError("Оценка — число, например 0,5.")


class CustomQuizForm(FlaskForm):
    title = StringField("Название теста", validators=[DataRequired("Назовите тест."), Length(min=3, max=300)])


# --- live «викторина / брейн-ринг» --------------------------------------------------------------------------

class LiveSessionForm(FlaskForm):
    title = StringField("Название игры", validators=[Optional(), Length(max=200)])
    format = RadioField("Формат", choices=[("quiz", "Викторина: все команды отвечают на каждый вопрос за время"),
                                           ("brain_ring", "Брейн-ринг: отвечает команда, первой нажавшая «Ответить»")],
                        default="quiz", validators=[DataRequired(message="Выберите формат.")])
    seconds_per_question = RuIntegerField("Секунд на вопрос", default=30, validators=[
        InputRequired(message="Укажите время на вопрос."),
        NumberRange(min=0, max=600, message="От 10 до 600 секунд (в брейн-ринге 0 — без ограничения).")])
    points_per_question = RuIntegerField("Баллов за верный ответ", default=10, validators=[
        InputRequired(message="Укажите баллы за вопрос."), NumberRange(min=1, max=100, message="От 1 до 100.")])
    question_count = RuIntegerField("Сколько вопросов", default=0, validators=[
        Optional(), NumberRange(min=0, max=100, message="От 0 до 100 (0 — все подходящие).")])
    is_shuffled = BooleanField("Перемешать вопросы", default=False)
    is_speed_bonus = BooleanField("Бонус за скорость (викторина)", default=False)
    teams = TextAreaField("Команды — по одной в строке", validators=[Optional(), Length(max=4000)])

    def session_values(self) -> dict:
        """The game's settings as ``live.create_session`` takes them."""
        return dict(title=self.title.data or "", format=self.format.data,
                    seconds_per_question=self.seconds_per_question.data,
                    points_per_question=self.points_per_question.data,
                    question_count=self.question_count.data or 0, is_shuffled=self.is_shuffled.data,
                    is_speed_bonus=self.is_speed_bonus.data)



class LiveTeamForm(FlaskForm):
    name = StringField("Название команды", validators=[DataRequired(message="Назовите команду."),
                                                       Length(min=2, max=100, message="От 2 до 100 символов.")])


class LiveJoinForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only finds the game

    code = StringField("Код игры", validators=[DataRequired(message="Введите код игры."),
                                               Length(max=20, message="Код — шесть цифр.")])
