from training.quizzes import bp  # noqa: F401
