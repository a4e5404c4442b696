"""A week of the course in a real browser (Debian's Chromium under Playwright) against the
running hub (tests/hub_session.py): the instructor generates and releases 02 in formgrader;
three students log in and fetch it from the Assignment List; one submits a correct notebook,
one a partly wrong one, one the red team's gradebook tamperer (tests/attacks.py's SQL,
aimed at this course's gradebook); the instructor collects, autogrades the two honest
students, then the tamperer, generates and releases feedback, all from formgrader; each
student fetches their feedback and sees their own score, and cannot reach anyone else's.
Nobody's grade changes when the tamperer is graded. The correct student presses Validate
before submitting; the instructor exports grades.csv at the end. Screenshots and the steps' times go to
out/hub/.
"""
from __future__ import annotations

import json
import re
import sqlite3
import time

import pytest

from grader import submissions
from grader.course import REPO, notebook_names
from grader.demo import partly_wrong_extras
from test_browser import launch_chromium, open_notebook, validate
from attacks import SQL, sub_code

pytestmark = pytest.mark.sandbox   # autograding needs the grader's sandbox (skipped where it cannot run)

OUT = REPO / "out" / "hub"
AID = "02_image_convolution"
NAME = notebook_names(AID)[0]
TIMES: dict[str, float] = {}


class Steps:
    """Seconds per step of the cycle, into TIMES (written to out/hub/times.txt)."""

    def __init__(self):
        self.last = time.perf_counter()

    def __call__(self, step: str):
        now = time.perf_counter()
        TIMES[step] = now - self.last
        self.last = now


def tamperer_notebook(hub):
    """02 left blank, with the red team's SQL on the gradebook in its first answer cell: this
    course's gradebook by name, and every gradebook.db up the working folder's parents."""
    code = sub_code(SQL, {"GRADEBOOK": repr(str(hub.lay.course / "gradebook.db"))})
    first = next(c.metadata["nbgrader"]["grade_id"] for c in submissions.filled(AID).cells
                 if c.metadata.get("nbgrader", {}).get("solution"))
    return submissions.filled(AID, solved=False, extra={first: "import os\n" + code})


@pytest.fixture(scope="module")
def browser(hub):
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()
    (OUT / "times.txt").write_text(
        f"hub start (python -m grader hub, to its login page): {hub.started_seconds:.1f} s\n"
        + "".join(f"{step}: {seconds:.1f} s\n" for step, seconds in TIMES.items())
        + f"browser cycle total: {sum(TIMES.values()):.1f} s\n")


def log_in(browser, hub, user: str):
    """Submit the hub's login form in a browser context of the user's own; the hub starts their
    server meanwhile (see `arrive`)."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.set_default_timeout(150_000)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.passwords[user])
    page.click("#login_submit")
    return page


def arrive(page, hub, user: str):
    """Wait until the user's server has started (not the hub's /hub/user/... page, shown while
    it starts) and JupyterLab has loaded."""
    page.wait_for_url(re.compile(rf"^{re.escape(hub.url)}/user/{user}/"), timeout=180_000, wait_until="commit")
    page.wait_for_function("window.jupyterapp && window.jupyterapp.started")
    page.evaluate("window.jupyterapp.started")
    return page


def page_commands(page) -> dict:
    return page.evaluate("""() => Object.fromEntries(['nbgrader:open-assignment-list', 'nbgrader:open-formgrader',
        'nbgrader:open-create-assignment'].map(c => [c, window.jupyterapp.commands.hasCommand(c)]))""")


def shot(page, name: str):
    page.screenshot(path=str(OUT / f"{name}.png"))


def formgrader(page, hub, path: str = "manage_assignments"):
    page.goto(f"{hub.url}/user/{hub.instructor}/formgrader/{path}")
    page.wait_for_selector("table tbody tr")


def row(page, text: str):
    return page.locator("table tbody tr", has=page.locator("td", has_text=text)).first


def press(page, button, expect: str, screenshot: str | None = None):
    """Click a formgrader action; wait for its success dialog (or fail with its error dialog)."""
    button.click()
    dialog = page.locator("#success-modal, #error-modal").first
    dialog.wait_for(state="visible", timeout=600_000)
    text = dialog.inner_text()
    if screenshot:
        shot(page, screenshot)
    assert dialog.get_attribute("id") == "success-modal" and expect in text, text[-3000:]
    page.locator("#success-modal button.close").first.click()
    dialog.wait_for(state="hidden")


def assignment_list(page):
    page.evaluate("window.jupyterapp.commands.execute('nbgrader:open-assignment-list')")
    page.wait_for_selector("#assignments_list_info, #released_assignments_list")


def gradebook_scores(hub) -> dict:
    """{(student, test cell): score}, and the cells' max scores, read from the course's gradebook."""
    with sqlite3.connect(f"file:{hub.lay.course / 'gradebook.db'}?mode=ro", uri=True) as con:
        scores = con.execute(
            "SELECT student.id, base_cell.name, COALESCE(grade.manual_score, grade.auto_score), "
            "grade.extra_credit FROM grade JOIN base_cell ON grade.cell_id = base_cell.id "
            "JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
            "JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id "
            "JOIN student ON submitted_assignment.student_id = student.id").fetchall()
        maxima = dict(con.execute("SELECT base_cell.name, grade_cells.max_score FROM grade_cells "
                                  "JOIN base_cell ON grade_cells.id = base_cell.id").fetchall())
    return {"scores": {(s, c): (v, e) for s, c, v, e in scores}, "max": maxima}


def student_total(hub, student: str) -> float:
    return sum(v or 0 for (s, _), (v, _) in gradebook_scores(hub)["scores"].items() if s == student)


def test_a_week_of_the_course(browser, hub):
    correct, partly, tamperer = hub.students
    step = Steps()

    # everyone logs in at once, so that the hub starts the four servers side by side
    teacher = log_in(browser, hub, hub.instructor)
    pages = {student: log_in(browser, hub, student) for student in hub.students}
    arrive(teacher, hub, hub.instructor)
    # the instructor's JupyterLab: on the course folder, with formgrader and Create Assignment
    assert page_commands(teacher) == {"nbgrader:open-assignment-list": True, "nbgrader:open-formgrader": True,
                                      "nbgrader:open-create-assignment": True}
    for folder in ("solutions", "notebooks", "grader"):   # the file browser shows the course folder
        teacher.locator(".jp-DirListing-item", has_text=folder).first.wait_for()
    shot(teacher, "00-instructor-lab")
    step("instructor logs in (server start, JupyterLab)")

    # the instructor generates 02 from solutions/ (into the gradebook) and releases it
    formgrader(teacher, hub)
    shot(teacher, "01-formgrader")
    press(teacher, row(teacher, AID).locator("td.assign a"), "Successfully created the student version")
    formgrader(teacher, hub)
    press(teacher, row(teacher, AID).locator("td.release a"), "Successfully released", "02-released")
    step("instructor generates and releases 02")

    # the students fetch it and submit: their notebook is saved through JupyterLab, then submitted
    notebooks = {correct: submissions.filled(AID),
                 partly: submissions.filled(AID, extra=partly_wrong_extras(AID)),
                 tamperer: tamperer_notebook(hub)}
    for student, nb in notebooks.items():
        page = arrive(pages[student], hub, student)
        # the student's JupyterLab: the Assignment List, not the instructor's tools
        assert page_commands(page) == {"nbgrader:open-assignment-list": True, "nbgrader:open-formgrader": False,
                                           "nbgrader:open-create-assignment": False}, student
        assignment_list(page)
        page.locator("#released_assignments_list button", has_text="Fetch").click()
        page.locator("#fetched_assignments_list").get_by_text(AID).first.wait_for()
        page.evaluate("""async ([path, nb]) => {
            await window.jupyterapp.serviceManager.contents.save(path, {type: 'notebook', format: 'json', content: nb});
        }""", [f"{AID}/{NAME}.ipynb", json.loads(json.dumps(nb))])
        if student == correct:   # Validate, as students are told to before submitting
            panel = open_notebook(page, f"{AID}/{NAME}.ipynb")
            kind, text = validate(page, panel, OUT / "03-validate.png")
            assert "validation-success" in kind, text
            assignment_list(page)
        page.locator("#fetched_assignments_list button", has_text="Submit").click()
        page.locator("#submitted_assignments_list").get_by_text(AID).first.wait_for()
        shot(page, f"03-{student}-submitted")
    step("three students fetch and submit")
    # nobody sees anyone else's submission in the exchange
    assert not any(other in pages[correct].content() for other in (partly, tamperer))

    # the instructor collects, then autogrades the honest students first
    formgrader(teacher, hub)
    press(teacher, row(teacher, AID).locator("td.collect a"), "Successfully collected", "04-collected")
    step("instructor collects")
    formgrader(teacher, hub, f"manage_submissions/{AID}")
    for student in (correct, partly):
        press(teacher, row(teacher, student).locator("td.autograde a"), "Successfully autograded")
        formgrader(teacher, hub, f"manage_submissions/{AID}")
    step("instructor autogrades two students")
    before = gradebook_scores(hub)
    totals = {s: student_total(hub, s) for s in (correct, partly)}
    full = sum(before["max"].values())
    assert totals[correct] == full and 0 < totals[partly] < full, (totals, full)

    press(teacher, row(teacher, tamperer).locator("td.autograde a"), "Successfully autograded")
    formgrader(teacher, hub, f"manage_submissions/{AID}")
    shot(teacher, "05-autograded")
    step("instructor autogrades the tamperer")
    after = gradebook_scores(hub)
    assert after["max"] == before["max"]
    assert {k: v for k, v in after["scores"].items() if k[0] != tamperer} == before["scores"]
    assert student_total(hub, tamperer) == 0
    graded = json.loads((hub.lay.course / "autograded" / tamperer / AID / f"{NAME}.ipynb").read_text())
    printed = "".join(out.get("text", "") if isinstance(out.get("text", ""), str) else "".join(out["text"])
                      for cell in graded["cells"] for out in cell.get("outputs", []))
    assert "SQL-FAILED" in printed and "SQL-WROTE" not in printed, printed[:2000]

    # feedback, generated and released from formgrader
    formgrader(teacher, hub)
    press(teacher, row(teacher, AID).locator("td.generate-feedback a"), "Successfully generated feedback")
    formgrader(teacher, hub)
    press(teacher, row(teacher, AID).locator("td.release-feedback a"), "Successfully released feedback",
          "06-feedback-released")
    step("instructor generates and releases feedback")

    # each student fetches their own feedback and sees their own score
    for student, page in pages.items():
        assignment_list(page)
        page.locator("#submitted_assignments_list button", has_text="Fetch Feedback").click()
        page.locator("#submitted_assignments_list").get_by_text("(view feedback)").wait_for()
        listing = page.evaluate("""async (path) => (await window.jupyterapp.serviceManager.contents.get(path)).content
            .map(item => item.name)""", f"{AID}/feedback")
        assert len(listing) == 1, listing
        page.goto(f"{hub.url}/user/{student}/files/{AID}/feedback/{listing[0]}/{NAME}.html")
        heading = page.locator("h4", has_text=f"{NAME} (Score:").first.inner_text()
        shot(page, f"07-{student}-feedback")
        got = float(re.search(r"Score: ([\d.]+) /", heading).group(1))
        assert got == pytest.approx(student_total(hub, student), abs=0.01), (student, heading)
        # nobody else's: another student's server, files and feedback are out of reach
        for other in hub.students:
            if other != student:
                response = page.goto(f"{hub.url}/user/{other}/api/contents/{AID}/feedback")
                assert response.status in (403, 404) or f"/user/{student}/" in page.url, (student, other, page.url)
    step("three students fetch their feedback")

    # the export for the LMS, as README says: nbgrader export in the instructor's terminal
    exported = export_grades(hub)
    assert {row["student_id"]: float(row["score"]) for row in exported} == \
        {s: pytest.approx(student_total(hub, s)) for s in hub.students}
    step("instructor exports grades.csv")


def export_grades(hub) -> list[dict]:
    """`nbgrader export` as the instructor in the course folder (what their terminal there runs)."""
    import csv
    import pwd
    import subprocess
    home = pwd.getpwnam(hub.instructor).pw_dir
    env = {"PATH": f"{hub.lay.venv / 'bin'}:/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8",
           "PYTHONPATH": str(hub.lay.course), "JUPYTER_CONFIG_PATH": f"{hub.lay.course}:{hub.lay.etc}"}
    proc = subprocess.run(["setpriv", f"--reuid={hub.instructor}", f"--regid={hub.instructor}", "--init-groups",
                           str(hub.lay.venv / "bin" / "nbgrader"), "export"],
                          cwd=hub.lay.course, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(hub.lay.course / "grades.csv") as fh:
        return list(csv.DictReader(fh))
