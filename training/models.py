"""Imports every domain's models so the metadata (and Alembic's autogenerate) sees all tables."""
import training.accounts.models  # noqa: F401
import training.audit.models  # noqa: F401
import training.certificates.models  # noqa: F401
import training.courses.models  # noqa: F401
import training.gamification.committee.models  # noqa: F401
import training.gamification.contests.models  # noqa: F401
import training.gamification.events.models  # noqa: F401
import training.gamification.ideas.models  # noqa: F401
import training.gamification.library.models  # noqa: F401
import training.gamification.onboarding.models  # noqa: F401
import training.gamification.pulse.models  # noqa: F401
import training.gamification.quests.models  # noqa: F401
import training.gamification.ratings.models  # noqa: F401
import training.gamification.recognition.models  # noqa: F401
import training.gamification.rewards.models  # noqa: F401
import training.gamification.stress.models  # noqa: F401
import training.jobs  # noqa: F401
import training.materials.models  # noqa: F401
import training.metrics.feedback.channel_models  # noqa: F401
import training.metrics.feedback.models
import training.metrics.surveys.models  # noqa: F401
import training.notifications.models  # noqa: F401
import training.org.models  # noqa: F401
import training.quizzes.models  # noqa: F401
