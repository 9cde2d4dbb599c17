from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from training.forms import RuIntegerField
from training.materials.models import MaterialKind
from training.materials.storage import TYPES_BY_EXTENSION

FILE_ACCEPT = ",".join(f".{ext}" for ext in TYPES_BY_EXTENSION)


def _at_most(n: int) -> Length:
    return Length(max=n, message=f"Не длиннее {n} символов.")


class _RussianChoiceErrors:
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Выберите значение из списка.") from exc

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError as exc:
            raise ValidationError("Выберите значение из списка.") from exc


class RuSelectField(_RussianChoiceErrors, SelectField):
    pass


class RuRadioField(_RussianChoiceErrors, RadioField):
    pass


class _FileOrLink:
    """Require the file or the link, whichever the item's kind needs."""

    def _kind(self) -> str:
        raise NotImplementedError

    def validate_file(self, field):
        if self._kind() == MaterialKind.FILE and not field.data:
            raise ValidationError("Выберите файл.")

    def validate_url(self, field):
        if self._kind() == MaterialKind.LINK and not (field.data or "").strip():
            raise ValidationError("Укажите адрес страницы на внутреннем портале.")


class MaterialCreateForm(_FileOrLink, FlaskForm):
    category_id = RuSelectField("Категория", coerce=int, validators=[DataRequired("Выберите категорию.")])
    title = StringField("Название", validators=[DataRequired("Укажите название."), _at_most(200)])
    description = TextAreaField("Описание", validators=[Optional(), _at_most(4000)])
    kind = RuRadioField("Что загружаем", choices=[(MaterialKind.FILE.value, "Файл"),
                                                  (MaterialKind.LINK.value, "Ссылка на внутренний портал")],
                        default=MaterialKind.FILE.value,
                        validators=[DataRequired("Выберите: файл или ссылка.")])
    file = FileField("Файл", render_kw={"accept": FILE_ACCEPT})
    url = URLField("Адрес страницы", validators=[Optional(), _at_most(2000)])
    note = StringField("Примечание к первой версии", validators=[Optional(), _at_most(500)])

    def _kind(self) -> str:
        return self.kind.data


class VersionForm(_FileOrLink, FlaskForm):
    file = FileField("Новый файл", render_kw={"accept": FILE_ACCEPT})
    url = URLField("Новый адрес страницы", validators=[Optional(), _at_most(2000)])
    note = StringField("Что изменилось", validators=[
        DataRequired("Опишите, что изменилось."), Length(min=3, max=500, message="От 3 до 500 символов.")])

    def __init__(self, *args, material_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.material_kind = material_kind

    def _kind(self) -> str:
        return self.material_kind


class MaterialEditForm(FlaskForm):
    category_id = RuSelectField("Категория", coerce=int, validators=[DataRequired("Выберите категорию.")])
    title = StringField("Название", validators=[DataRequired("Укажите название."), _at_most(200)])
    description = TextAreaField("Описание", validators=[Optional(), _at_most(4000)])


class CategoryForm(FlaskForm):
    name = StringField("Название категории", validators=[DataRequired("Укажите название."), _at_most(120)])
    description = StringField("Что в ней хранится", validators=[Optional(), _at_most(500)])
    position = RuIntegerField("Порядок в списке", validators=[
        Optional(), NumberRange(min=0, max=100000, message="От 0 до 100000.")])
