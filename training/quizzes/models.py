"""Quiz models (question bank, quizzes, attempts)."""
__all__: list[str] = []
