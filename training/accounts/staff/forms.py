from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class StaffImportForm(FlaskForm):
    file = FileField("Файл CSV или XLSX", validators=[
        FileRequired("Выберите файл."),
        FileAllowed(["csv", "xlsx", "txt"], "Поддерживаются только файлы CSV и XLSX."),
    ])
