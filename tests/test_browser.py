"""The student's JupyterLab in a real browser: Debian's Chromium, driven by Playwright, on the
JupyterLab that the bundle's own `./course lab` started in an empty folder (conftest.py).

For every notebook: open it, enter the model answers through JupyterLab (those of 00 typed on
the keyboard), Restart and Run All, check that no cell shows an error and that it drew as many
figures as the notebook draws when run by the tests, then press Validate and expect success.
A blank notebook's Validate names its failing cells; 08 with the student's own definitions in
a cell above runs clean where the earlier assignments are not closed. The Korean edition's
bundle, set up the same way, runs 02 end to end in Korean: its text, a visible test's message
and a figure (screenshot). Screenshots and times go to out/student-side/.
"""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from conftest import OUT, own_definitions
from grader.course import NOTEBOOKS, assignment_ids, notebook_names
from grader.earlier import needs, write_package
from grader.course import solution_sources

CHROMIUM = Path("/usr/bin/chromium")
RUN_TIMEOUT = 300
TYPED = "00_welcome"            # its answer is typed key by key; the others are pasted into the model
TIMES: dict[str, dict[str, float]] = {}   # notebook -> {step: seconds}


def launch_chromium(playwright):
    """Debian's Chromium under Playwright (which cannot download browsers here), as root."""
    if not CHROMIUM.exists():
        pytest.fail("the browser tests need Debian's Chromium at /usr/bin/chromium "
                    "(./course test installs it as root: apt-get install chromium)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"])


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "browser-times.txt").write_text(
        "".join(f"{name}: {sum(steps.values()):.1f} s ("
                + ", ".join(f"{step} {seconds:.1f}" for step, seconds in steps.items()) + ")\n"
                for name, steps in TIMES.items())
        + f"total: {sum(sum(steps.values()) for steps in TIMES.values()):.1f} s\n")


class Stopwatch:
    """Seconds per step of one test, into TIMES."""

    def __init__(self, name: str):
        self.steps = TIMES.setdefault(name, {})
        self.last = time.perf_counter()

    def lap(self, step: str):
        now = time.perf_counter()
        self.steps[step] = now - self.last
        self.last = now


def lab_page(browser, student_lab):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    page.goto(f"{student_lab.url}/lab?reset&token={student_lab.token}")
    page.wait_for_function("window.jupyterapp && window.jupyterapp.started")
    page.evaluate("window.jupyterapp.started")
    return page


@pytest.fixture(scope="module")
def lab(browser, student_lab):
    page = lab_page(browser, student_lab)
    released = student_lab.root.parent / "released"      # pristine copies, before any test saves answers
    if not released.exists():
        shutil.copytree(student_lab.root / "notebooks", released)
    yield page, student_lab
    page.close()


OPEN = """async (path) => {
  const app = window.jupyterapp;
  // close what the last test opened, without the "save changes?" dialog, and stop its kernel
  for (const widget of Array.from(app.shell.widgets('main'))) {
    if (widget.sessionContext) await widget.sessionContext.shutdown();
    widget.dispose();
  }
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  await panel.sessionContext.ready;
  // wait for the kernel's first reply: restarting it while its websocket still connects makes
  // jupyter_server replace the connection with one that misreads the client's messages
  await panel.sessionContext.session.kernel.info;
  app.shell.activateById(panel.id);
  window.__nb = panel;
  return panel.id;
}"""

FILL = """(answers) => {
  const cells = window.__nb.content.model.cells;
  let filled = 0;
  for (let i = 0; i < cells.length; i++) {
    const id = (cells.get(i).getMetadata('nbgrader') || {}).grade_id;
    if (id in answers) { cells.get(i).sharedModel.setSource(answers[id]); filled++; }
  }
  return filled;
}"""

INDEX_OF = """(gradeId) => {
  const cells = window.__nb.content.model.cells;
  for (let i = 0; i < cells.length; i++)
    if ((cells.get(i).getMetadata('nbgrader') || {}).grade_id === gradeId) return i;
  return -1;
}"""

EDIT_CELL = """async (index) => {
  const nb = window.__nb.content;
  nb.activeCellIndex = index;
  await nb.scrollToItem(index, 'center');
  nb.mode = 'edit';
  nb.activeCell.editor.focus();
}"""

# done when the kernel is idle and every code cell ran, or one shows an error (Run All stops there)
RUN_STATE = """() => {
  const panel = window.__nb;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.model.cells;
  let waiting = 0, errors = [], figures = 0, firstFigure = -1;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    if (cell.executionCount === null && cell.sharedModel.getSource().trim()) waiting++;
    for (const out of cell.outputs.toJSON()) {
      if (out.output_type === 'error') errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
      if (out.data && out.data['image/png']) { figures++; if (firstFigure < 0) firstFigure = i; }
    }
  }
  return {idle: !!kernel && kernel.status === 'idle', waiting, errors, figures, firstFigure};
}"""

CELL_TEXT = """(index) => window.__nb.content.model.cells.get(index).outputs.toJSON()
  .map(o => o.text || (o.data && o.data['text/plain']) || '').join('')"""


def open_notebook(page, path: str) -> str:
    return page.evaluate(OPEN, path)


def restart_and_run_all(page) -> dict:
    page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-run-all'); }")
    page.locator(".jp-Dialog .jp-mod-accept").click()          # "Restart kernel?"
    settled, deadline = 0, time.monotonic() + RUN_TIMEOUT
    while settled < 2:
        state = page.evaluate(RUN_STATE)
        done = state["idle"] and (state["waiting"] == 0 or state["errors"])
        settled = settled + 1 if done else 0
        assert time.monotonic() < deadline, f"Run All did not finish in {RUN_TIMEOUT} s: {state}"
        page.wait_for_timeout(500)
    return state


def validate(page, panel_id: str, shot: str) -> tuple[str, str]:
    page.locator(f"#{panel_id} jp-button.validate-button").click()
    message = page.locator(".jp-Dialog #validation-message")
    message.wait_for(timeout=300_000)
    page.screenshot(path=str(OUT / shot))
    result = (message.get_attribute("class") or "", message.inner_text())
    page.locator(".jp-Dialog .jp-mod-accept").click()
    return result


def type_answer(page, index: int, text: str):
    """Type `text` into cell `index` key by key. The editor indents each new line itself,
    so every line is typed over that indentation, with its own."""
    page.evaluate(EDIT_CELL, index)
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    for number, line in enumerate(text.split("\n")):
        if number:
            page.keyboard.press("Enter")
            page.keyboard.press("Shift+Home")      # select the indentation the editor added
            page.keyboard.press("Delete")
        page.keyboard.type(line)
    page.keyboard.press("Escape")


def test_students_lab_has_validate_and_the_assignment_list_only(lab):
    page, student_lab = lab
    commands = page.evaluate("""() => Object.fromEntries(['nbgrader:open-assignment-list',
        'nbgrader:open-formgrader', 'nbgrader:open-create-assignment', 'nbgrader:open-course-list']
        .map(c => [c, window.jupyterapp.commands.hasCommand(c)]))""")
    assert commands == {"nbgrader:open-assignment-list": True, "nbgrader:open-formgrader": False,
                        "nbgrader:open-create-assignment": False, "nbgrader:open-course-list": False}
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    items = [t for t in page.locator(".lm-Menu-itemLabel").all_inner_texts() if t.strip()]
    page.screenshot(path=str(OUT / "menu.png"))
    page.keyboard.press("Escape")
    assert items == ["Assignment List"]
    panel = open_notebook(page, "02_image_convolution/02_image_convolution.ipynb")
    assert page.locator(f"#{panel} jp-button.validate-button").count() == 1
    sidebar = page.locator(".jp-SideBar .lm-TabBar-tab").evaluate_all("tabs => tabs.map(t => t.title)")
    assert not any("Create Assignment" in (title or "") for title in sidebar), sidebar


@pytest.mark.parametrize("aid", assignment_ids())
def test_notebook_runs_and_validates_in_jupyterlab(lab, notebook_runs, aid):
    page, student_lab = lab
    watch = Stopwatch(aid)
    name = notebook_names(aid)[0]
    answers = solution_sources(aid, name)
    panel = open_notebook(page, f"{aid}/{name}.ipynb")
    watch.lap("open")
    typed = {gid: code for gid, code in answers.items() if aid == TYPED}
    assert page.evaluate(FILL, {g: c for g, c in answers.items() if g not in typed}) == len(answers) - len(typed)
    for gid, code in typed.items():
        index = page.evaluate(INDEX_OF, gid)
        type_answer(page, index, code)
        got = page.evaluate("(i) => window.__nb.content.model.cells.get(i).sharedModel.getSource()", index)
        assert got == code, f"typing the answer of {gid} gave:\n{got}"
    watch.lap("answers")
    state = restart_and_run_all(page)
    watch.lap("run all")
    assert state["errors"] == [], state["errors"]
    assert state["figures"] == notebook_runs[aid].figures, \
        f"{state['figures']} figures in JupyterLab, {notebook_runs[aid].figures} when the tests run {aid}"
    if state["firstFigure"] >= 0:
        page.evaluate("(i) => window.__nb.content.scrollToItem(i, 'start')", state["firstFigure"])
        page.wait_for_timeout(500)
        page.screenshot(path=str(OUT / f"{aid}-figure.png"))
    watch.lap("checks")
    kind, text = validate(page, panel, f"{aid}-validate.png")
    watch.lap("validate")
    assert "validation-success" in kind, text


def _pristine_copy(student_lab, aid: str, suffix: str) -> str:
    """A copy of the notebook as released, beside it (the one in the bundle holds answers by now)."""
    name = notebook_names(aid)[0]
    folder = student_lab.root / "notebooks" / aid
    shutil.copy(student_lab.root.parent / "released" / aid / f"{name}.ipynb", folder / f"{name}_{suffix}.ipynb")
    return f"{aid}/{name}_{suffix}.ipynb"


def test_blank_notebook_validate_names_the_failing_cells(lab):
    page, student_lab = lab
    aid = "02_image_convolution"
    watch = Stopwatch(f"{aid} (blank)")
    panel = open_notebook(page, _pristine_copy(student_lab, aid, "blank"))
    kind, text = validate(page, panel, f"{aid}-blank-validate.png")
    watch.lap("validate")
    assert "validation-failed" in kind, text
    tests = len([c for c in nbformat.read(NOTEBOOKS / aid / f"{notebook_names(aid)[0]}.ipynb", as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("grade")])
    assert text.count("The following cell failed") == tests, text
    assert "NotImplementedError" in text, text


def test_08_runs_with_own_definitions_above_when_earlier_assignments_are_open(lab):
    page, student_lab = lab
    aid = "08_backpropagation"
    watch = Stopwatch(f"{aid} (own definitions)")
    earlier = student_lab.root / "convcourse" / "earlier"
    missing = ["04_stride_and_padding", "05_pooling"]
    write_package(earlier, [a for a in assignment_ids() if a not in missing])   # as released before 04's deadline
    try:
        panel = open_notebook(page, _pristine_copy(student_lab, aid, "own"))
        page.evaluate(FILL, solution_sources(aid, notebook_names(aid)[0]))
        index = page.evaluate(INDEX_OF, "earlier-functions")
        page.evaluate(EDIT_CELL, index)
        page.evaluate("window.jupyterapp.commands.execute('notebook:insert-cell-above')")
        page.evaluate("(src) => window.__nb.content.activeCell.model.sharedModel.setSource(src)",
                      own_definitions(missing))
        watch.lap("answers")
        state = restart_and_run_all(page)
        watch.lap("run all")
        assert state["errors"] == [], state["errors"]
        said = page.evaluate(CELL_TEXT, index + 1)
        assert said.startswith("Using your own conv2d, max_pool2d, avg_pool2d; relu from convcourse.earlier"), said
        kind, text = validate(page, panel, f"{aid}-own-definitions-validate.png")
        watch.lap("validate")
        assert "validation-success" in kind, text
        assert set(needs(aid)) >= set(missing)
    finally:
        write_package(earlier, assignment_ids())


# The figures a student can move (convcourse/interactive.py): the cell that makes the widget,
# the control to move and what the output-size line says before and after.
WIDGETS = {
    "02_image_convolution": ("explore_kernels(", "select", "box blur 5x5",
                             "150 x 128 -> 148 x 126", "150 x 128 -> 146 x 124"),
    "04_stride_and_padding": ("explore_conv(", "slider:dilation", "ArrowRight",
                              "150 x 128 -> 148 x 126", "150 x 128 -> 146 x 124"),
    "05_pooling": ("explore_pooling(", "slider:size", "ArrowRight",
                   "150 x 128 -> 75 x 64", "150 x 128 -> 74 x 63"),
}

MARK_CELL = """([text, mark]) => {
  const nb = window.__nb.content;
  for (let i = 0; i < nb.model.cells.length; i++) {
    if (nb.model.cells.get(i).sharedModel.getSource().includes(text)) {
      nb.widgets[i].node.setAttribute('data-test', mark);
      return i;
    }
  }
  return -1;
}"""


def show_cell(page, text: str, mark: str):
    """Scroll to the cell whose source holds `text` (JupyterLab 4 renders only what is in view)
    and mark its node so that locators can find what is in it."""
    index = page.evaluate(MARK_CELL, [text, mark])
    assert index >= 0, text
    page.evaluate("(i) => window.__nb.content.scrollToItem(i, 'center')", index)
    page.evaluate(MARK_CELL, [text, mark])       # the node may be new once it is in view
    return page.locator(f"[data-test={mark}]")


@pytest.mark.parametrize("aid", list(WIDGETS))
def test_moving_a_control_redraws_the_figure_and_the_output_size(lab, aid):
    page, student_lab = lab
    cell_text, control, choice, before, after = WIDGETS[aid]
    watch = Stopwatch(f"{aid} (widgets)")
    open_notebook(page, _pristine_copy(student_lab, aid, "widgets"))
    page.evaluate(FILL, solution_sources(aid, notebook_names(aid)[0]))
    state = restart_and_run_all(page)
    watch.lap("run all")
    assert state["errors"] == [], state["errors"]
    cell = show_cell(page, cell_text, "widget")
    line, figure = cell.locator(".convcourse-size"), cell.locator("img.convcourse-figure")
    line.wait_for(timeout=30_000)
    assert before in line.inner_text()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
    src = figure.get_attribute("src")
    line.scroll_into_view_if_needed()
    page.screenshot(path=str(OUT / f"{aid}-widget-before.png"))
    if control == "select":
        cell.locator(".widget-dropdown select").select_option(choice)
    else:                                   # focus the slider's handle and press a key, as a student can
        handle = cell.locator(".widget-slider").filter(has_text=control.split(":")[1]).locator(".noUi-handle")
        handle.focus()
        page.keyboard.press(choice)
    page.wait_for_function("([el, text]) => el.innerText.includes(text)", arg=[line.element_handle(), after],
                           timeout=30_000)
    page.wait_for_function("([img, old]) => img.src !== old && img.complete && img.naturalWidth > 0",
                           arg=[figure.element_handle(), src], timeout=30_000)
    watch.lap("move a control")
    line.scroll_into_view_if_needed()
    page.screenshot(path=str(OUT / f"{aid}-widget-after.png"))
    assert before not in line.inner_text()


def test_the_sliding_window_animation_plays_in_jupyterlab(lab):
    page, student_lab = lab
    aid = "02_image_convolution"
    watch = Stopwatch(f"{aid} (animation)")
    open_notebook(page, _pristine_copy(student_lab, aid, "animation"))    # blank: it needs none of the answers
    index = page.evaluate(MARK_CELL, ["animate_sliding_window(I7", "animation"])
    page.evaluate(EDIT_CELL, index)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-above')")
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-cell')")
    cell = show_cell(page, "animate_sliding_window(I7", "animation")
    frame = cell.locator(".animation img")
    page.wait_for_function("(img) => (img.src || '').startsWith('data:image/png')", arg=frame.element_handle(),
                           timeout=60_000)
    first = frame.get_attribute("src")
    cell.locator("button[title='Next frame']").click()
    page.wait_for_function("([img, old]) => img.src !== old", arg=[frame.element_handle(), first])
    cell.locator("button[title='Last frame']").click()
    watch.lap("run and step")
    page.screenshot(path=str(OUT / f"{aid}-animation.png"))
    assert cell.locator(".animation img").count() == 1


HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_korean_edition_runs_and_validates_in_jupyterlab(browser, korean_lab, notebook_runs):
    """The Korean bundle's 02: Korean text; a wrong answer fails its visible test with a Korean
    message; with the model answers it runs clean, draws the English edition's figures (in
    Hangul: screenshot) and validates."""
    aid = "02_image_convolution"
    name = notebook_names(aid)[0]
    watch = Stopwatch(f"{aid} (ko)")
    readme = (korean_lab.root / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# CNN을 위한 합성곱"), readme[:80]
    page = lab_page(browser, korean_lab)
    try:
        panel = open_notebook(page, f"{aid}/{name}.ipynb")
        heading = page.locator(f"#{panel} .jp-RenderedMarkdown h1").first.inner_text()
        assert HANGUL.search(heading), f"the first heading is not Korean: {heading!r}"
        answers = solution_sources(aid, name)
        wrong = dict(answers)
        gid = next(g for g, code in answers.items() if "def correlate2d(" in code)
        wrong[gid] = answers[gid].replace("def correlate2d(", "def _unused(") + \
            "\n\ndef correlate2d(image, kernel):\n    return np.zeros((1, 1))\n"
        assert page.evaluate(FILL, wrong) == len(answers)
        state = restart_and_run_all(page)
        watch.lap("run all, a wrong answer")
        assert any(HANGUL.search(e) for e in state["errors"]), \
            f"a failing visible test should say why in Korean: {state['errors']}"
        assert page.evaluate(FILL, answers) == len(answers)
        state = restart_and_run_all(page)
        watch.lap("run all")
        assert state["errors"] == [], state["errors"]
        assert state["figures"] == notebook_runs[aid].figures
        page.evaluate("(i) => window.__nb.content.scrollToItem(i, 'start')", state["firstFigure"])
        page.wait_for_timeout(500)
        page.screenshot(path=str(OUT / f"{aid}-ko-figure.png"))
        kind, text = validate(page, panel, f"{aid}-ko-validate.png")
        watch.lap("validate")
        assert "validation-success" in kind, text
    finally:
        page.close()
