"""What the sandbox and the grader agree on (kept free of imports on purpose)."""
# MIME type of the output a test cell's harness call publishes with its results
MIME = "application/x-conv-course-results+json"
# the file the runner writes the hidden cases' inputs to, in the working folder, from its
# standard input; the harness reads and deletes it when the kernel starts, before any
# of the notebook's code runs, so the notebook never sees the inputs
CASES_FILE = ".harness-cases.json"
CASES_ENV = "HARNESS_CASES_FILE"
