"""The materials app stores its files in a temporary folder, never in the real instance folder."""
import pytest

from tests.support.app import app_with_tables


@pytest.fixture
def materials_root(tmp_path):
    return tmp_path / "materials"


@pytest.fixture
def app(materials_root):
    with app_with_tables(MATERIALS_ROOT=str(materials_root), drop_tables=True) as app:
        yield app
