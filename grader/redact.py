"""Keep hidden tests out of feedback.

nbgrader's feedback shows each test cell's source as it was graded, which includes
the hidden block, and a failing hidden check's traceback quotes its lines. This
preprocessor (run by GenerateFeedback) deletes the hidden region from test cells and
shortens any traceback that would show hidden code to `Error: message`. The hidden
checks' messages are written to name the failed property, never hidden values.
"""
import re

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


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
        needles = [h.strip() for h in hidden if h.strip()] + ["grader/", "grader.hidden"]
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            text = _ANSI.sub("", "\n".join(output.get("traceback", [])))
            if output.get("ename") == "HiddenTestFailure" or any(n in text for n in needles):
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
