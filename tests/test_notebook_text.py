"""What the notebooks' text promises a student: time estimates made the same way everywhere
and recomputed here, the course's Korean terms as docs/glossary.md lists them, the lecture
notes named the same way, and no pointer to files the student bundle does not have."""
from __future__ import annotations

import math
import re

import nbformat
import pytest

from grader.course import REPO, SOLUTIONS, assignment_ids, notebook_names

WORDS_PER_MINUTE = 80
EXERCISE_MINUTES = {1: 15, 2: 25, 3: 40}     # by points; 4 points or more: 60
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
TIME_LINE = re.compile(r"\*\*Time:\*\* about (\d+) minutes(?: \((\d+) h(?: (\d+) min)?\))?: "
                       r"(\d+) to read and run the cells, (\d+) for the (\w+) exercises?\.")


def _notebook(aid):
    return nbformat.read(SOLUTIONS / aid / f"{notebook_names(aid)[0]}.ipynb", as_version=4)


def _markdown(aid) -> str:
    return "\n\n".join(c.source for c in _notebook(aid).cells if c.cell_type == "markdown")


def reading_minutes(aid) -> int:
    words = len(re.findall(r"\S+", _markdown(aid)))
    return 5 * math.ceil(words / WORDS_PER_MINUTE / 5)


def exercise_minutes(aid) -> tuple[int, int]:
    """(minutes for the exercises, how many there are): one per test cell, by its points."""
    points = [c.metadata["nbgrader"].get("points", 0) for c in _notebook(aid).cells
              if c.metadata.get("nbgrader", {}).get("grade")]
    return sum(EXERCISE_MINUTES.get(int(p), 60) for p in points), len(points)


def time_line(aid) -> str:
    """The header's time estimate, as every notebook must state it."""
    reading, (exercises, count) = reading_minutes(aid), exercise_minutes(aid)
    total = reading + exercises
    hours = "" if total < 60 else f" ({total // 60} h" + (f" {total % 60} min)" if total % 60 else ")")
    noun = "exercise" if count == 1 else "exercises"
    return (f"**Time:** about {total} minutes{hours}: {reading} to read and run the cells, "
            f"{exercises} for the {NUMBER_WORDS[count]} {noun}.")


@pytest.mark.parametrize("aid", assignment_ids())
def test_time_estimate_is_made_as_notebook_00_says(aid):
    stated = TIME_LINE.findall(_notebook(aid).cells[0].source.replace("\n", " "))
    assert len(stated) == 1, f"{aid}: the first cell must state its time once, as: {time_line(aid)}"
    found = TIME_LINE.search(_notebook(aid).cells[0].source.replace("\n", " ")).group(0)
    assert found == time_line(aid), f"{aid}: the header says\n  {found}\nrecomputed:\n  {time_line(aid)}"


def test_time_estimate_method_is_stated_in_00_with_these_numbers():
    text = " ".join(_markdown("00_welcome").split())
    assert f"{WORDS_PER_MINUTE} words a minute" in text
    assert "15 minutes for a 1-point exercise, 25 for 2 points, 40 for 3 and 60 for 4 or more" in text


# ---- Korean terms ------------------------------------------------------------------------

def glossary() -> tuple[dict[str, str], list[str]]:
    """docs/glossary.md: {English: Korean}, and the terms never to use."""
    terms, avoid = {}, []
    for line in (REPO / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("English", "") and not set(cells[0]) <= {"-"}:
            terms[cells[0]] = cells[1]
            avoid += [t for t in cells[2].split(",") if t.strip()]
    return terms, [t.strip() for t in avoid]


def glossary_rows(aid) -> list[tuple[str, str]]:
    rows, inside = [], False
    for line in _markdown(aid).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.strip().startswith("|") else []
        if cells[:2] == ["English", "한국어"]:
            inside = True
        elif not cells:
            inside = False
        elif inside and not set(cells[0]) <= {"-", ":"}:
            rows.append((cells[0], cells[1]))
    return rows


@pytest.mark.parametrize("aid", assignment_ids())
def test_every_notebook_has_a_glossary_with_the_course_terms(aid):
    terms, _ = glossary()
    rows = glossary_rows(aid)
    assert rows, f"{aid} has no glossary table (| English | 한국어 |)"
    wrong = [f"{en}: {ko} (the course's term: {terms[en]})" for en, ko in rows if en in terms and ko != terms[en]]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("aid", assignment_ids())
def test_no_notebook_uses_a_term_the_glossary_rules_out(aid):
    _, avoid = glossary()
    text = _markdown(aid)
    for term in avoid:
        # a single-syllable term (창) only as a word of its own
        pattern = rf"(?<![가-힣]){re.escape(term)}(?![가-힣])" if len(term) == 1 else re.escape(term)
        assert not re.search(pattern, text), f"{aid} uses {term!r}; docs/glossary.md rules it out"


def test_glossary_check_has_teeth():
    terms, avoid = glossary()
    assert terms["window"] == "윈도우" and "창" in avoid and "보류 데이터" in avoid


# ---- what the student text refers to -----------------------------------------------------

@pytest.mark.parametrize("aid", assignment_ids())
def test_student_text_names_the_lecture_notes_and_only_files_students_have(aid):
    text = "\n".join(c.source for c in _notebook(aid).cells)
    assert not re.search(r"\bthe seeds\b|\bseed notes?\b|\bseeds? \d{3}\b", text, re.IGNORECASE), \
        f"{aid} calls the lecture notes by the repository's name for them"
    for folder in ("benchmarks/", "grader/", "tests/", "solutions/"):
        assert folder not in text, f"{aid} points students to {folder}, which the bundle does not have"
