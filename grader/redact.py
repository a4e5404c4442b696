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

from .markup import split_hidden

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


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
