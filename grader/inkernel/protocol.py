"""What the sandbox and the grader agree on (kept free of imports on purpose)."""
# MIME type of the output a test cell's harness call publishes with its results
MIME = "application/x-conv-course-results+json"
