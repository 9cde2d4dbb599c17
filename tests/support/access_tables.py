"""The access tables of every domain (tests/<domain>/access.py), merged: who may open each endpoint and how each
domain creates the objects its URLs need. Read by the authorization matrix and the hardening world."""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

from flask import Flask, url_for

import tests
from tests.core.access import ROLES
from tests.factories import make_user
from training.accounts.models import Role


def access_modules() -> list:
    modules = []
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                modules.append(importlib.import_module(f"tests.{info.name}.access"))
            except ModuleNotFoundError:
                continue
    return modules


MODULES = access_modules()
ACCESS: dict[str, object] = {}
for _module in MODULES:
    ACCESS.update(_module.ACCESS)


def matrix_world(org) -> dict:
    """The people and objects a walk of every route needs: "org", "colleague" (an employee in centre A), "users"
    (one per role, centre A / the service) and "arguments" (a value for every URL parameter, from each domain's
    ``url_arguments``)."""
    colleague = make_user(department=org.front_a, full_name="Коллегова Вера Павловна")
    users = {role: make_user(role, department=org.front_a if role != Role.HR else None,
                             service=org.service) for role in ROLES}
    world = {"org": org, "colleague": colleague, "users": users}
    arguments = {}
    for module in MODULES:
        arguments.update(module.url_arguments(world))
    world["arguments"] = arguments
    return world


def route_requests(app: Flask, arguments: dict) -> Iterator[tuple[str, str, str]]:
    """(endpoint, method, url) of every rule of the URL map, with real objects for its arguments; GET where the
    rule answers GET. Signing out goes last, so one signed-in client serves the whole walk."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "accounts.logout", r.rule)):
        missing = set(rule.arguments) - arguments.keys()
        assert not missing, f"{rule.endpoint}: give a value for {missing} in tests/<domain>/access.py url_arguments"
        values = {name: arguments[name] for name in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        yield rule.endpoint, method, url
