"""A small quiz bank with one question of every type, the forms a learner sends for it, and the block quiz over
it (the quizzes domain's tests and the live game's)."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from training.extensions import db
from training.quizzes import bank, services

# One question of every type; the answers a test needs are spelled out in RIGHT below.
BANK = """$CATEGORY: Блок 01/Метрики

::CES::Что измеряет индекс CES? {
=Усилия клиента для решения задачи#Верно: Customer Effort Score.
~Лояльность клиента#Это NPS.
~Удовлетворённость#Это CSI.
####CES — индекс усилий клиента.
}

::Группы KPI::Какие из групп показателей относятся к клиентским? {
~%50%Показатели опыта клиента#Да.
~%50%Показатели качества обслуживания#Да.
~%-100%Показатели закупок#Нет, это внутренний процесс.
}

::Первое впечатление::Первое впечатление складывается за 40 секунд.{T#Нет, именно за 40 секунд.#Верно.}

$CATEGORY: Блок 01/Расчёты

::FCR::Из 200 обращений 150 решены с первого раза. Каков FCR, %? {#
=75:0.5#Верно: 150 / 200.
=%50%0.75:0.005#Это доля, а нужен процент.
~#Разделите 150 на 200.
}

::Оператор::Служба занятости — не поставщик, а ... опыта клиента. {=оператор#Верно. =%50%организатор#Почти.}

::Соответствие::Сопоставьте метрику и её смысл. {
=NPS -> готовность рекомендовать
=CES -> усилия клиента
=CSI -> удовлетворённость
}

::Эссе::Опишите, как вы начинаете личный приём. {####Критерии: приветствие, имя, цель визита.}

::Справка::[markdown]Дальше — вопросы о **метриках**.
"""

# The form fields that earn full marks, by question name (positions are looked up in the slot's shown order).
RIGHT = {
    "CES": {"choice_texts": ["Усилия клиента для решения задачи"]},
    "Группы KPI": {"choice_texts": ["Показатели опыта клиента", "Показатели качества обслуживания"]},
    "Первое впечатление": {"answer": "true"},
    "FCR": {"answer": "75"},
    "Оператор": {"answer": "Оператор"},
    "Соответствие": {"matches": {"NPS": "готовность рекомендовать", "CES": "усилия клиента",
                                 "CSI": "удовлетворённость"}},
    "Эссе": {"answer": "Здороваюсь, представляюсь и спрашиваю о цели визита."},
    "Справка": {},
}


def form_for(slot, right: bool = True) -> MultiDict:
    """The form a learner would send for this slot: the right answer, or a wrong one."""
    version = slot.version
    name = version.question.name
    spec = RIGHT[name]
    order = slot.answer_order or {}
    data = MultiDict()
    if version.type == "multichoice":
        texts = spec["choice_texts"] if right else [a["text"] for a in version.answers if a["fraction"] <= 0][:1]
        for text in texts:
            index = next(i for i, a in enumerate(version.answers) if a["text"] == text)
            data.add("answer", str(order["answers"].index(index)))
    elif version.type == "matching":
        for shown, pair_index in enumerate(order["stems"]):
            stem = version.pairs[pair_index]["question"]
            wanted = spec["matches"][stem] if right else next(c for c in order["choices"] if c != spec["matches"][stem])
            data.add(f"match-{shown}", str(order["choices"].index(wanted)))
    elif version.type == "truefalse":
        data.add("answer", spec["answer"] if right else "false")
    elif "answer" in spec:
        data.add("answer", spec["answer"] if right else "42")
    return data


def answer_all(attempt, *, right: bool = True, skip: tuple[str, ...] = ()) -> None:
    """Save the form for every question of the attempt (but those named in ``skip``), right or wrong."""
    for slot in attempt.slots:
        if slot.version.type == "description" or slot.version.question.name in skip:
            continue
        services.save_response(attempt, slot.slot_no, form_for(slot, right))


def bank_quiz(block):
    """The block's quiz over BANK, every question in each attempt (in bank order), no shuffling."""
    bank.import_gift_bank(block, BANK)
    quiz = bank.ensure_block_quiz(block)
    quiz.questions_per_attempt = 0
    quiz.is_answers_shuffled = False
    db.session.commit()
    return quiz
