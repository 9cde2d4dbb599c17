"""Imports every domain's models so the metadata (and Alembic's autogenerate) sees all tables."""
from training.accounts.models import *  # noqa: F401,F403
from training.audit.models import *  # noqa: F401,F403
from training.courses.models import *  # noqa: F401,F403
from training.jobs import JobRun  # noqa: F401
from training.materials.models import *  # noqa: F401,F403
from training.notifications.models import *  # noqa: F401,F403
from training.org.models import *  # noqa: F401,F403
from training.quizzes.models import *  # noqa: F401,F403
from training.certificates.models import *  # noqa: F401,F403
from training.recognition.models import *  # noqa: F401,F403
from training.metrics.models import *  # noqa: F401,F403
from training.engagement.models import *  # noqa: F401,F403
