from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, Length, Optional

from training.metrics.feedback.services import CES_CHOICES, EXPECTATION_CHOICES, SATISFACTION_CHOICES
from training.metrics.surveys.services import EMPLOYMENT_CHOICES

#: The rotating fourth question: about the specialist's work, about the centre's service, or the five parameters
#: of CSI (see client_routes).
MODULES = ("specialist", "centre", "csi")


class FeedbackForm(FlaskForm):
    code = StringField("Код от специалиста", validators=[Optional(), Length(max=12)])
    ces = RadioField("Насколько легко вам было решить свой вопрос?", choices=CES_CHOICES, coerce=int,
                     validators=[Optional()])
    expectations = RadioField("Оправдались ли ваши ожидания от обращения?", choices=EXPECTATION_CHOICES, coerce=int,
                              validators=[Optional()])
    recommend = RadioField("Насколько вероятно, что вы порекомендуете нас знакомым? (0 — точно нет, 10 — точно да)",
                           choices=[(i, str(i)) for i in range(11)], coerce=int, validators=[Optional()])
    module = HiddenField(validators=[Optional(), AnyOf(MODULES, message="Обновите страницу и ответьте ещё раз.")])
    specialist_satisfaction = RadioField("Довольны ли вы работой специалиста?", choices=SATISFACTION_CHOICES,
                                         coerce=int, validators=[Optional()])
    csat = RadioField("Довольны ли вы обслуживанием в центре в целом?", choices=SATISFACTION_CHOICES, coerce=int,
                      validators=[Optional()])
    comment = TextAreaField("Что нам улучшить? (необязательно)", validators=[Optional(), Length(max=2000)])
    contact_requested = BooleanField("Свяжитесь со мной")
    contact_name = StringField("Как к вам обращаться", validators=[Optional(), Length(max=200)])
    contact_phone = StringField("Телефон", validators=[Optional(), Length(max=40)])
    survey_consent = BooleanField("Через 3 месяца спросите меня, как всё сложилось (одно письмо или SMS)")
    survey_contact = StringField("E-mail или номер мобильного", validators=[Optional(), Length(max=254)])


class SurveyForm(FlaskForm):
    """The survey a one-time link opens: after employment (work now? CSI, comment) or HR's outbound one (CES,
    expectations, recommendation, CSI, comment). The CSI marks come as ``csi-<code>`` fields."""

    employment = RadioField("Вы сейчас работаете?", choices=list(EMPLOYMENT_CHOICES), validators=[Optional()])
    ces = RadioField("Насколько легко вам было решить свой вопрос?", choices=CES_CHOICES, coerce=int,
                     validators=[Optional()])
    expectations = RadioField("Оправдались ли ваши ожидания от обращения?", choices=EXPECTATION_CHOICES, coerce=int,
                              validators=[Optional()])
    recommend = RadioField("Насколько вероятно, что вы порекомендуете нас знакомым? (0 — точно нет, 10 — точно да)",
                           choices=[(i, str(i)) for i in range(11)], coerce=int, validators=[Optional()])
    comment = TextAreaField("Что нам улучшить? (необязательно)", validators=[Optional(), Length(max=2000)])


class FollowUpForm(FlaskForm):
    contacted = BooleanField("Связались с клиентом")
    contact_impossible = BooleanField("Связаться невозможно: клиент не оставил контактов")
    apologised = BooleanField("Принесли извинения за доставленные неудобства")
    notes = TextAreaField("Что выяснили", validators=[Optional(), Length(max=4000)])
    resolution = TextAreaField("Решение: чем закончилось обращение", validators=[Optional(), Length(max=4000)])
    corrective_measure = TextAreaField("Что изменим, чтобы ситуация не повторилась (необязательно)",
                                       validators=[Optional(), Length(max=4000)])
    save = SubmitField("Сохранить")
    close = SubmitField("Закрыть задачу")




