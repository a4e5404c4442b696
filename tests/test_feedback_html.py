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


WIDGET_VIEW, WIDGET_STATE = "application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json"


def test_a_widget_shows_its_static_figure_whatever_the_metadata_holds():
    # a figure a student can move (convcourse/interactive.py): the widget's view, its static
    # HTML; the notebook saved with widget state for that very model (JupyterLab can save it)
    view = {"version_major": 2, "version_minor": 0, "model_id": "m1"}
    fallback = f'<p><code>size line</code></p>\n<img alt="size line" src="data:image/png;base64,{PNG}">'
    cell = nbformat.v4.new_code_cell("explore_pooling(max_pool2d, avg_pool2d, photo)", outputs=[
        nbformat.v4.new_output("display_data", data={WIDGET_VIEW: view, "text/html": fallback, "text/plain": "size line"})])
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={
        "language_info": {"name": "python"},
        "widgets": {WIDGET_STATE: {"version_major": 2, "version_minor": 0,
                                   "state": {"m1": {"model_name": "VBoxModel", "state": {}}}}}})
    exporter = FeedbackHTMLExporter(config=GenerateFeedback().config)
    resources = {"nbgrader": {"notebook": "nb", "score": 0, "max_score": 0, "late_penalty": 0}}
    page = exporter.from_notebook_node(nb, resources=resources)[0]
    assert fallback in page
    assert WIDGET_VIEW not in page and WIDGET_STATE not in page
    assert "widgets" in nb.metadata                   # the caller's notebook is left as it was
