"""Words agree with the person: the patronymic says «он» or «она»; without one the neutral written form stays."""
import pytest

from training.templating import gender_of, gendered, quoted


@pytest.mark.parametrize(("name", "gender"), [
    ("Смирнова Анна Сергеевна", "f"), ("Кузнецов Олег Ильич", "m"), ("Петров Пётр Кузьмич", "m"),
    ("Ильина Мария Никитична", "f"), ("Алиев Рашид Ахмед оглы", "m"), ("Smith John", None), ("Анна", None)])
def test_gender_comes_from_the_patronymic(name, gender):
    assert gender_of(name) == gender


def test_a_word_agrees_with_the_person_or_stays_neutral():
    assert gendered("успешно завершил(а) обучение", "Смирнова Анна Сергеевна") == "успешно завершила обучение"
    assert gendered("успешно завершил(а) обучение", "Кузнецов Олег Ильич") == "успешно завершил обучение"
    assert gendered("Вам помог(ла)", "Смирнова Анна Сергеевна") == "Вам помогла"
    assert gendered("удостоен(а) звания", "Ли Мэй") == "удостоен(а) звания"


def test_quotes_inside_a_name_become_lapki():
    assert quoted("Диплом «Сотрудник месяца»") == "«Диплом „Сотрудник месяца“»"
