"""The materials app stores its files in a temporary folder, never in the real instance folder."""
import pytest

from tests.conftest import make_test_app
from training.extensions import db


@pytest.fixture
def materials_root(tmp_path):
    return tmp_path / "materials"


@pytest.fixture
def app(materials_root):
    app = make_test_app(MATERIALS_ROOT=str(materials_root))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
