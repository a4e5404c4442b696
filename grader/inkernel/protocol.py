"""What the sandbox and the grader agree on (kept free of imports on purpose)."""
# MIME type of the output a test cell's harness call publishes with its results
MIME = "application/x-conv-course-results+json"
# the file the runner writes the hidden cases' inputs to, in the working folder, from its
# standard input; the harness reads and deletes it when the kernel starts, before any
# of the notebook's code runs, so the notebook never sees the inputs
CASES_FILE = ".harness-cases.json"
CASES_ENV = "HARNESS_CASES_FILE"
# The time limits count the kernel's CPU seconds, so that a cell's fate does not depend on
# how many notebooks share the machine (`--jobs`): a cell that computes for 20 s is as far
# from a 60 s limit at 8 jobs on 2 cores as alone. A cell that waits (sleeps, blocks) uses
# no CPU: wall time stops it at this many times the limit.
WALL_FACTOR = 4
