"""The access tables of every domain (tests/<domain>/access.py), merged: who may open each endpoint and how each
domain creates the objects its URLs need. Read by the authorization matrix and the hardening world."""
from __future__ import annotations

import importlib
import pkgutil

import tests


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
