"""Access rules of the materials repository for tests/core/test_authorization_matrix.py."""
import atexit
import shutil
import tempfile

from flask import current_app

from tests.core.access import SIGNED_IN
from training.accounts.models import Role
from training.extensions import db

UPLOADERS = {Role.TEACHER, Role.HR, Role.ADMIN}

ACCESS: dict[str, object] = {
    "materials.index": SIGNED_IN,
    "materials.detail": SIGNED_IN,
    "materials.download": SIGNED_IN,
    "materials.create": UPLOADERS,
    "materials.add_version": UPLOADERS,
    "materials.edit": UPLOADERS,
    "materials.categories": UPLOADERS,
    "materials.category_edit": UPLOADERS,
}


def url_arguments(ctx) -> dict[str, object]:
    """A category and a stored file item (kept in a temporary folder, never in the real instance folder)."""
    from training.materials import services

    root = tempfile.mkdtemp(prefix="materials-matrix-")
    atexit.register(shutil.rmtree, root, True)
    current_app.config["MATERIALS_ROOT"] = root
    teacher = ctx["users"][Role.TEACHER]
    category = services.create_category(teacher, "Кейсы")
    material = services.create_material(teacher, category=category, title="Памятка для матрицы доступа",
                                        description="", kind="file", filename="памятка.txt",
                                        data="Текст памятки".encode())
    db.session.commit()
    return {"material_id": material.id, "material_version": 1, "material_category_id": category.id}
