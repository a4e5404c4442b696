"""FeedbackHTMLExporter renders feedback pages as nbconvert's HTMLExporter does, without
its slow BeautifulSoup pass (grader/feedback_html.py)."""
import copy

import nbformat
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbgrader.converters import GenerateFeedback

from grader.feedback_html import MISSING_ALT, FeedbackHTMLExporter

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def notebook():
    test = nbformat.v4.new_code_cell("assert f(1) == 2", outputs=[nbformat.v4.new_output(
        "error", ename="AssertionError", evalue="", traceback=["AssertionError"])])
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "test_f", "points": 2, "score": 0,
                                 "solution": False, "locked": True, "schema_version": 3}
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell('# Title\n\n<img src="a.png">, <img alt="kept" src="b.png"> and $x^2$'),
        nbformat.v4.new_code_cell("def f(x):\n    return x  # <img> in code stays text", outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
            nbformat.v4.new_output("stream", name="stdout", text="<b>printed</b>\n")]),
        test,
    ], metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}})


NOTEBOOK = notebook()


def render(exporter_class):
    # the configuration nbgrader's GenerateFeedback gives its exporter
    exporter = exporter_class(config=GenerateFeedback().config)
    resources = {"nbgrader": {"notebook": "nb", "score": 0, "max_score": 2, "late_penalty": 0}}
    return exporter.from_notebook_node(copy.deepcopy(NOTEBOOK), resources=resources)[0]


def test_same_page_as_nbconverts_exporter():
    ours, theirs = render(FeedbackHTMLExporter), render(HTMLExporter)
    assert "test_f" in ours and "printed" in ours
    assert BeautifulSoup(ours, "html.parser") == BeautifulSoup(theirs, "html.parser")


def test_images_without_alt_text_get_nbconverts():
    soup = BeautifulSoup(render(FeedbackHTMLExporter), "html.parser")
    alts = [img.get("alt") for img in soup.find_all("img")]
    assert alts.count(MISSING_ALT) == 2 and "kept" in alts
