"""Keep hidden tests out of feedback.

nbgrader's feedback shows each test cell's source as it was graded, which includes
the hidden block, and a traceback from a test cell quotes the lines around the failure.
This preprocessor (run by GenerateFeedback) deletes the hidden region from test cells,
shortens a failed hidden check to `HiddenTestFailure: message`, and drops from any
other traceback the lines that quote hidden code, keeping the rest (the visible assert
that failed). Hidden checks' messages name the failed property, never hidden values.
"""
import re

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


CHECK_CALL = re.compile(r'check\("(\w+)",\s*\1\)')


def checked_names(source: str) -> list[str]:
    """Graded functions a test cell's hidden block checks, in order."""
    return CHECK_CALL.findall("\n".join(split_hidden(source)[1]))


def split_hidden(source: str) -> tuple[str, list[str]]:
    """(source without hidden regions, the hidden lines)."""
    kept, hidden, inside = [], [], False
    for line in source.split("\n"):
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            kept.append(line)
    return "\n".join(kept).rstrip("\n"), hidden


class RedactHiddenTests(NbGraderPreprocessor):
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not utils.is_grade(cell):
            return cell, resources
        cell.source, hidden = split_hidden(cell.source)
        needles = [h.strip() for h in hidden if h.strip()] + ["HIDDEN TESTS", "grader/", "grader.hidden"]
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "HiddenTestFailure":
                output["traceback"] = [f"HiddenTestFailure: {output.get('evalue', '')}"]
                continue
            output["traceback"] = [
                "\n".join(line for line in entry.split("\n")
                          if not any(n in _ANSI.sub("", line) for n in needles))
                for entry in output.get("traceback", [])
            ]
        return cell, resources
