"""Instructor-side tooling for the convolution course (never shipped to students).

Modules, one job each (docs/design.md has the path of a submission through them):
  course       where things are, and what the source notebooks hold: assignments, graded functions, points
  markup       the nbgrader markers and hidden-block syntax, declared once
  settings     the nbgrader configuration every command uses
  release      regenerate notebooks/ from solutions/, check for leaks, build the bundle
  earlier      generate convcourse/earlier/ (repository, bundle, per assignment for grading)
  autograde    grade a folder of submissions in parallel, write feedback and grades.csv
  sandbox      run one notebook in bubblewrap as an unprivileged uid, with limits
  preprocessors  nbgrader preprocessors: sandboxed execution, trusted verdicts, test-cell integrity
  static_check what a student's code must not do anywhere: reach into the grader or hide code from it
  redact       nbgrader preprocessor that keeps hidden tests out of feedback
  feedback_html  the feedback page's exporter
  patches      every patch of nbgrader's internals (start-up costs a batch skips), each guarded
  inkernel     what runs inside the sandbox: the notebook runner, the harvesting harness, the
               per-case runner, the watch of graded calls and the one list of forbidden routines
  hidden       the registry of hidden cases
  submissions  build notebooks as a student would submit them (for demo and tests)
  mutants      known-wrong variants of every graded function
  demo         the teaching-assistant cycle on a built-in demo class
"""
