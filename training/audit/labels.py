"""What the audit log's codes mean, in Russian: the log stores stable codes («certificate.revoke», «contest»), the
page shows «Документ отозван», «конкурс № 1». A code without a label here is shown by its domain's name
(«Квесты: другое действие»), never as the code; add a label with a new code."""
from __future__ import annotations

ACTION_LABELS = {
    "certificate.issue_bulk": "Выданы сертификаты списком",
    "certificate.revoke": "Документ отозван",
    "certificate.signatory": "Изменён подписант документов",
    "certificate.supersede": "Документ заменён новым",
    "committee.add": "Включение в комитет",
    "committee.remove": "Исключение из комитета",
    "course.cohort_create": "Создана учебная группа",
    "course.cohort_update": "Изменена учебная группа",
    "course.enrol": "Зачисление в группу",
    "course.owner_add": "Назначен ответственный за курс",
    "course.owner_remove": "Снят ответственный за курс",
    "event.cancel": "Мероприятие отменено",
    "event.finish": "Мероприятие проведено",
    "event.schedule": "Мероприятие назначено",
    "event.update": "Мероприятие изменено",
    "event_format.create": "Создан формат мероприятий",
    "event_format.update": "Изменён формат мероприятий",
    "event_outcome.create": "Записан итог мероприятия",
    "event_programme.create": "Создана программа мероприятий",
    "event_settings.update": "Изменены настройки мероприятий",
    "idea.accept": "Идея принята",
    "idea.decline": "Идея отклонена",
    "idea.finish": "Идея реализована",
    "library_case.publish": "Кейс опубликован в библиотеке",
    "material.create": "Добавлен материал",
    "material.update": "Изменён материал",
    "material.version_add": "Новая версия материала",
    "material_category.create": "Создан раздел материалов",
    "material_category.update": "Изменён раздел материалов",
    "metrics.competence_weights_published": "Опубликованы веса оценки компетенций",
    "metrics.competence_weights_withdrawn": "Отозваны веса оценки компетенций",
    "metrics.contact_deleted": "Удалены контакты клиента",
    "metrics.followup_closed": "Закрыта задача по отзыву клиента",
    "metrics.iqs_assessed": "Проверка качества (IQS)",
    "metrics.iqs_category_saved": "Изменён критерий IQS",
    "metrics.master_granted": "Присвоено звание «Мастер»",
    "metrics.regional_checklist": "Изменён ответ регионального чек-листа",
    "metrics.checklist_weights_published": "Опубликованы веса пунктов регионального чек-листа",
    "metrics.checklist_weights_withdrawn": "Отозваны веса пунктов регионального чек-листа",
    "metrics.comfort_audit": "Записан обход ЦЗН (чек-лист комфортности)",
    "metrics.comfort_item_saved": "Изменён пункт чек-листа комфортности",
    "metrics.csi_weights_published": "Опубликованы веса CSI",
    "metrics.csi_weights_withdrawn": "Отозваны веса CSI",
    "metrics.answer_entered": "Внесён ответ клиента из другого канала",
    "metrics.paper_sheets_issued": "Напечатаны бумажные анкеты",
    "metrics.paper_batch_entered": "Внесена пачка бумажных анкет",
    "metrics.mention_added": "Внесено упоминание в СМИ или соцсетях",
    "metrics.mention_deleted": "Удалено упоминание в СМИ или соцсетях",
    "metrics.operational_replaced": "Заменены операционные данные",
    "metrics.weights_published": "Опубликованы веса индекса",
    "metrics.weights_withdrawn": "Отозваны веса индекса",
    "onboarding.complete": "Адаптация новичка завершена",
    "onboarding.create": "Создан план адаптации новичка",
    "org.centre_create": "Создан ЦЗН",
    "org.department_create": "Создано подразделение",
    "org.department_update": "Изменено подразделение",
    "org.import": "Импорт сотрудников",
    "org.service_create": "Создан СЗН",
    "pulse_proposal.reply": "Ответ на предложение из опроса",
    "pulse_survey.create": "Запущен опрос сотрудников",
    "pulse_survey.stop": "Опрос сотрудников остановлен",
    "quest.close": "Квест завершён",
    "quest.create": "Создан квест",
    "quest.start": "Квест начат",
    "quiz.bank_import": "Загружены вопросы в банк",
    "quiz.create": "Создан тест",
    "quiz.live_create": "Создана викторина",
    "quiz.live_finish": "Викторина завершена",
    "quiz.override": "Особые условия теста",
    "quiz.override_delete": "Особые условия теста сняты",
    "quiz.question_create": "Создан вопрос",
    "quiz.question_hide": "Вопрос скрыт",
    "quiz.question_update": "Изменён вопрос",
    "quiz.settings": "Изменены настройки теста",
    "rating_aspect.create": "Добавлен аспект оценки коллег",
    "rating_aspect.update": "Изменён аспект оценки коллег",
    "rating_aspects.customise": "Свои аспекты оценки коллег",
    "recognition.badge_award": "Вручён знак отличия",
    "reward.fulfil": "Поощрение вручено",
    "reward.grant": "Назначено поощрение",
    "reward.save": "Изменён каталог поощрений",
    "recognition.contest_close": "Конкурс «Сотрудник месяца» закрыт",
    "recognition.contest_open": "Конкурс «Сотрудник месяца» открыт",
    "recognition.contest_release": "Итоги конкурса «Сотрудник месяца» объявлены",
    "recognition.flag_review": "Рассмотрен сигнал о накрутке",
    "stress_item.hide": "Скрыта запись «Стресс месяца»",
    "stress_measure.create": "Мера комитета по «Стрессу месяца»",
    "stress_measure.status": "Изменён статус меры комитета",
    "stress_month.archive": "Месяц «Стресса месяца» в архиве",
    "user.create_admin": "Создан администратор",
    "user.import_create": "Сотрудник добавлен импортом",
    "user.import_update": "Сотрудник изменён импортом",
    "user.password_reset": "Сброшен пароль",
    "user.update": "Изменены данные сотрудника",
}

#: the first part of a code → the domain's name, for a code added later without a label yet
DOMAIN_LABELS = {
    "certificate": "Документы", "committee": "Комитет", "course": "Курс", "event": "Мероприятия", "idea": "Идеи",
    "library_case": "Библиотека", "material": "Материалы", "metrics": "Показатели", "onboarding": "Адаптация",
    "org": "Структура",
    "pulse_proposal": "Опросы сотрудников", "pulse_survey": "Опросы сотрудников", "quest": "Квесты", "quiz": "Тесты",
    "rating_aspect": "Оценка коллег", "recognition": "Признание", "reward": "Поощрения",
    "stress_item": "Стресс месяца", "stress_measure": "Стресс месяца", "stress_month": "Стресс месяца",
    "user": "Сотрудники",
}

OBJECT_LABELS = {
    "block": "блок", "centre": "ЦЗН", "certificate": "документ", "cohort": "группа", "course": "курс",
    "committee_member": "член комитета",
    "competence_weight_set": "набор весов компетенций", "contest": "конкурс", "department": "подразделение",
    "event": "мероприятие", "event_format": "формат мероприятий", "event_outcome": "итог мероприятия",
    "event_programme": "программа мероприятий", "event_settings": "настройки мероприятий",
    "client_feedback": "ответ клиента", "media_mention": "упоминание в СМИ",
    "follow_up_task": "задача по отзыву", "idea": "идея", "import": "импорт", "index_weight_set": "набор весов индекса",
    "iqs_assessment": "проверка IQS", "iqs_category": "критерий IQS", "library_case": "кейс библиотеки",
    "material": "материал", "material_category": "раздел материалов",
    "onboarding_plan": "план адаптации", "pulse_proposal": "предложение",
    "pulse_survey": "опрос сотрудников",
    "regional_checklist_answer": "пункт регионального чек-листа", "quest": "квест", "question": "вопрос",
    "quiz": "тест", "rating_aspect": "аспект оценки", "recognition_flag": "сигнал о накрутке",
    "regional_service": "СЗН", "reward": "поощрение", "reward_grant": "вручение поощрения",
    "stress_item": "запись «Стресса месяца»", "stress_measure": "мера комитета",
    "stress_month": "месяц «Стресса месяца»", "user": "сотрудник",
}


FIELD_LABELS = {
    "badge": "знак", "capacity": "мест", "centre": "ЦЗН", "centre_id": "ЦЗН", "comment": "комментарий",
    "count": "количество", "date": "дата", "department_id": "подразделение", "effective_from": "действует с",
    "email": "электронная почта", "employee": "сотрудник", "employees_may_organise": "сотрудники организуют",
    "format": "формат", "full_name": "ФИО", "holder_name": "получатель", "is_active": "действует",
    "is_chair": "председатель", "is_reviewed": "рассмотрено", "kind": "вид", "label": "название", "months": "месяцев",
    "name": "название", "number": "номер", "outcome": "итог", "period": "период", "position": "должность",
    "ranking": "место", "reason": "причина", "regional_service_id": "СЗН", "review_note": "заметка",
    "roles": "роли", "score": "балл", "seed_key": "ключ", "skipped": "пропущено", "starts_at": "начало",
    "status": "статус", "superseded_by": "заменён документом", "title": "название", "type": "тип",
    "user_id": "сотрудник", "user_ids": "сотрудники", "version": "версия", "weights": "веса",
}


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, "другое поле")


def action_label(code: str) -> str:
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    return f"{DOMAIN_LABELS.get(code.split('.')[0], 'Изменение')}: другое действие"


def object_label(object_type: str | None, object_id: object = None) -> str:
    name = OBJECT_LABELS.get(object_type or "", "запись")
    return f"{name} № {object_id}" if object_id else name
