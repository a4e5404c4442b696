"""The nbgrader markup of the course's source notebooks, declared once.

Solution regions (`### BEGIN SOLUTION` ... `### END SOLUTION`) are what nbgrader's release
replaces by the code stub; hidden-test regions (`### BEGIN HIDDEN TESTS` ... `### END
HIDDEN TESTS`) are what it removes from test cells. grader/settings.py gives nbgrader
these same delimiters; the release's leak check, convcourse.earlier, the feedback's
redaction, the sandbox's harness calls and the demo's submissions all read them here.

A hidden block is two lines, `from grader.hidden import check` and `check("f", f)`:
`checked_names` reads which graded functions a test cell checks.
"""
from __future__ import annotations

import re

BEGIN_SOLUTION, END_SOLUTION = "BEGIN SOLUTION", "END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)

CHECK_CALL = re.compile(r'check\("(\w+)",\s*\1\)')


def without_solution_markers(source: str) -> str:
    """A solution cell's code as a student would type it: the marker lines removed."""
    return "\n".join(line for line in source.split("\n")
                     if BEGIN_SOLUTION not in line and END_SOLUTION not in line)


def split_hidden(source: str) -> tuple[str, list[str]]:
    """(source without hidden regions, the hidden lines)."""
    kept, hidden, inside = [], [], False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            kept.append(line)
    return "\n".join(kept).rstrip("\n"), hidden


def with_hidden(visible: str, hidden_lines: list[str]) -> str:
    """A test cell: its visible part, then a hidden region holding `hidden_lines`."""
    return "\n".join([visible, f"### {BEGIN_HIDDEN}", *hidden_lines, f"### {END_HIDDEN}"])


def checked_names(source: str) -> list[str]:
    """Graded functions a test cell's hidden block checks, in order."""
    return CHECK_CALL.findall("\n".join(split_hidden(source)[1]))
