# nbgrader reads this when run from the repository root (formgrader, `nbgrader ...`).
# The settings themselves live in grader/settings.py, shared with `python -m grader`:
# autograding goes through the same sandbox and trusted verdicts as `python -m grader autograde`.
from grader.settings import configure, for_nbgrader_commands

c = get_config()  # noqa: F821 - get_config is provided by nbgrader
configure(c)
for_nbgrader_commands(c)
