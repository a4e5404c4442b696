# nbgrader reads this when run from the repository root (formgrader, `nbgrader ...`).
# The settings themselves live in grader/settings.py, shared with `python -m grader`.
from grader.settings import configure

configure(get_config())  # noqa: F821 - get_config is provided by nbgrader
