"""Reference data that every installation needs; safe to run in production, idempotent.

Roles are an enumeration in code (training.accounts.models.Role); this module fills tables of reference
data as domains add them (client groups, touchpoints, …). Each step is get-or-create."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

STEPS: list[tuple[str, Callable[[], int]]] = []


def step(name: str) -> Callable:
    def decorator(func: Callable[[], int]) -> Callable[[], int]:
        STEPS.append((name, func))
        return func
    return decorator


def run() -> str:
    done = []
    for name, func in STEPS:
        created = func()
        done.append(f"{name}: +{created}")
    return ", ".join(done) if done else "нечего добавлять"


@step("виды сертификатов")
def certificate_kinds() -> int:
    from training.certificates.services import ensure_kinds

    return ensure_kinds()


@step("аспекты оценки коллег")
def rating_aspects() -> int:
    from training.gamification.ratings.services import seed_default_aspects

    return seed_default_aspects()


@step("группы клиентов и точки контакта (библиотека кейсов)")
def library_reference_lists() -> int:
    from training.gamification.library.services import seed_reference_lists

    return seed_reference_lists()


@step("точки контакта")
def touchpoints() -> int:
    from training.metrics.feedback.aspects import seed_touchpoints

    return seed_touchpoints()


@step("категории проверки качества (IQS)")
def iqs_categories() -> int:
    from training.metrics.operations.iqs import seed_categories

    return seed_categories()


@step("пункты чек-листа комфортности ЦЗН")
def comfort_items() -> int:
    from training.metrics.operations.comfort import seed_items

    return seed_items()


@step("знаки отличия и звания (признание)")
def recognition_badges() -> int:
    from training.gamification.recognition.services import ensure_badge_catalogue

    return ensure_badge_catalogue()


@step("форматы мероприятий (раздел 5.4)")
def event_formats() -> int:
    from training.gamification.events.services import seed_formats

    path = Path(__file__).parent / "engagement" / "event_formats.yaml"
    return seed_formats(yaml.safe_load(path.read_text(encoding="utf-8")))


@step("категории материалов курса")
def material_categories() -> int:
    from training.materials.services import ensure_default_categories

    return len(ensure_default_categories())


@step("банк вопросов пульс-опросов")
def pulse_questions() -> int:
    from training.gamification.pulse.services import ensure_questions

    path = Path(__file__).parent / "engagement" / "pulse_questions.yaml"
    return ensure_questions(yaml.safe_load(path.read_text(encoding="utf-8")))


@step("каталог наград (в каждой службе занятости)")
def rewards_catalogue() -> int:
    from training.gamification.rewards.services import ensure_default_rewards

    path = Path(__file__).parent / "engagement" / "rewards.yaml"
    return ensure_default_rewards(yaml.safe_load(path.read_text(encoding="utf-8")))
