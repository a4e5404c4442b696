"""The editions (English, Korean) are one course: the Korean is built from the English source
and a catalogue of prose and messages (grader/editions.py), so its graded cells are the
English ones; every catalogue is in step with the English; the helpers speak both languages
(convcourse.i18n); and Hangul renders in the Korean edition's figures with no missing glyph."""
from __future__ import annotations

import ast
import json
import re
import string
import warnings
from pathlib import Path

import matplotlib
import pytest

from grader import editions
from grader.course import REPO, SOLUTIONS, assignment_ids, notebook_names
from grader.markup import split_hidden

OTHER = [lang for lang in editions.LANGUAGES if lang != editions.SOURCE_LANGUAGE]


def _english(aid, name):
    return json.loads((SOLUTIONS / aid / f"{name}.ipynb").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", OTHER)
@pytest.mark.parametrize("aid", assignment_ids())
def test_catalogue_in_step_with_the_english(lang, aid):
    """Every prose cell translated, from the English as it is now (fingerprints), every code
    fragment still in its cell, no translated cell that changes code, the same numbers and
    formulas in both editions' text."""
    problems = editions.problems(lang, aid)
    assert not problems, (f"the {lang} edition of {aid} is not in step ({len(problems)} problems; "
                          f"`python -m grader translations --lang {lang} --assignment {aid}` lists them):\n  "
                          + "\n  ".join(problems[:15]))


@pytest.mark.parametrize("lang", OTHER)
@pytest.mark.parametrize("aid", assignment_ids())
def test_graded_cells_are_the_same_in_both_editions(lang, aid):
    """Cell for cell: the same ids, types and nbgrader metadata (grade ids, points, locks),
    the same hidden blocks byte for byte, the same code up to strings and comments; the only
    added line is the edition's set_language, at the top of the first code cell."""
    built, _ = editions.build_assignment(lang, aid)
    for name in notebook_names(aid):
        en, other = _english(aid, name), built[name]
        assert [(c.get("id"), c["cell_type"]) for c in en["cells"]] == \
               [(c.get("id"), c["cell_type"]) for c in other["cells"]]
        assert other["metadata"]["convcourse"]["edition"] == lang
        first = True
        for a, b in zip(en["cells"], other["cells"]):
            assert a["metadata"] == b["metadata"], f"{aid} {a.get('id')}: metadata differs"
            if a["cell_type"] != "code":
                continue
            src_a, src_b = editions._source(a), editions._source(b)
            if first:
                line = editions.set_language_line(lang) + "\n"
                assert src_b.startswith(line), f"{aid}: the first code cell does not set the language"
                src_b, first = src_b[len(line):], False
            assert split_hidden(src_a)[1] == split_hidden(src_b)[1], f"{aid} {a.get('id')}: hidden block differs"
            assert editions.same_code(src_a, src_b), f"{aid} {a.get('id')}: code differs"


# --- the checker has teeth ----------------------------------------------------------------

def _nb(*cells):
    return {"cells": [dict(c, metadata={}) for c in cells], "metadata": {}}


MD = {"id": "m1", "cell_type": "markdown", "source": "The output has size 5 when $n=7$ and $f=3$."}
CODE = {"id": "c1", "cell_type": "code", "source": 'x = 1  # the input\nprint("the answer is", x)'}


def _problems(catalogue: str, nb=None):
    return editions.build_notebook(nb or _nb(MD, CODE), editions.parse(catalogue), "ko", "t")[1]


GOOD = (f"=== markdown m1 en:{editions.fingerprint(MD['source'])}\n출력 크기는 $n=7$, $f=3$일 때 5입니다.\n\n"
        "=== code c1\n--- en\n# the input\n+++ ko\n# 입력\n--- en\n\"the answer is\"\n+++ ko\n\"답:\"\n")


def test_a_complete_catalogue_has_no_problems():
    assert _problems(GOOD) == []
    nb, _ = editions.build_notebook(_nb(MD, CODE), editions.parse(GOOD), "ko", "t")
    assert nb["cells"][1]["source"].endswith('x = 1  # 입력\nprint("답:", x)')


@pytest.mark.parametrize("change, expected", [
    (lambda c: c.replace("en:", "en:0" * 0 + "en:").replace(editions.fingerprint(MD["source"]), "00000000"),
     "the English changed since it was translated"),
    (lambda c: c.replace("출력 크기는 $n=7$, $f=3$일 때 5입니다.", "The output has size 5 when $n=7$ and $f=3$."),
     "a markdown cell without its translation"),
    (lambda c: c.replace("일 때 5입니다", "일 때 6입니다"), "numbers differ"),
    (lambda c: c.replace("$f=3$일", "$f = 4$일"), "formulas differ"),
    (lambda c: c.replace("+++ ko\n# 입력", "+++ ko\n# 입력\ny = 2"), "changes code"),
    (lambda c: c.replace('--- en\n"the answer is"\n+++ ko\n"답:"\n', ""), "untranslated '\"the answer is\"'"),
    (lambda c: c.replace("--- en\n# the input", "--- en\n# the inputs"), "no longer in the cell"),
    (lambda c: c.replace("=== markdown m1", "=== markdown m9"), "which the notebook no longer has"),
])
def test_the_checker_catches(change, expected):
    found = _problems(change(GOOD))
    assert any(expected in p for p in found), f"expected a problem saying {expected!r}, got {found}"


def test_a_fragment_kept_on_purpose_is_not_untranslated():
    kept = GOOD.replace('+++ ko\n"답:"', '+++ ko\n"the answer is"')
    assert _problems(kept) == []


@pytest.mark.parametrize("text, error", [
    ("=== code c1\n--- en\n# a\n", "has no translation"),
    ("=== code c1\n+++ ko\n# a\n", "without its '--- en'"),
    ("=== markdown m1\ntext\n", "needs the English fingerprint"),
    ("=== code c1\n--- en\n# a\n+++ ko\n# b\n=== code c1\n", "a second section"),
])
def test_malformed_catalogues_are_refused(text, error):
    with pytest.raises(editions.EditionError, match=re.escape(error)):
        editions.parse(text)


def test_class_language_is_read_from_course_toml(tmp_path):
    assert editions.class_language() in editions.LANGUAGES
    settings = tmp_path / "course.toml"
    settings.write_text('language = "ko"\n')
    assert editions.class_language(settings) == "ko"
    settings.write_text('language = "fr"\n')
    with pytest.raises(editions.EditionError, match="the course has 'en', 'ko'"):
        editions.class_language(settings)
    assert editions.class_language(tmp_path / "none.toml") == "en"


def test_a_submission_in_either_edition_maps_to_the_other():
    """What the grader uses for a class that mixes editions: each released cell in the other
    edition, and a cell that is no edition's (tampered) is left alone."""
    aid = "02_image_convolution"
    name = notebook_names(aid)[0]
    cells = editions.cells_by_edition(aid, name)
    test_id = next(gid for gid in cells["en"] if gid.startswith("test"))
    assert cells["en"][test_id] != cells["ko"][test_id]
    assert editions.in_edition(aid, name, test_id, cells["en"][test_id], "ko") == cells["ko"][test_id]
    assert editions.in_edition(aid, name, test_id, cells["ko"][test_id], "en") == cells["en"][test_id]
    assert editions.in_edition(aid, name, test_id, cells["en"][test_id] + "\nx = 1", "ko") is None
    assert set(editions.released_versions(aid, name, test_id, cells["en"][test_id])) == \
        {cells["en"][test_id], cells["ko"][test_id]}


# --- the helpers' messages ----------------------------------------------------------------

def _templates() -> list[tuple[str, int]]:
    """Every literal template passed to convcourse.i18n.tr in convcourse (its first argument)."""
    found = []
    for path in sorted((REPO / "convcourse").rglob("*.py")):
        if "earlier" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr":
                arg = node.args[0]
                if isinstance(arg, ast.IfExp):
                    found += [(branch.value, node.lineno) for branch in (arg.body, arg.orelse)]
                else:
                    assert isinstance(arg, ast.Constant), f"{path.name}:{node.lineno}: tr() of a non-literal"
                    found.append((arg.value, node.lineno))
    return found


def test_every_helper_message_has_its_korean():
    from convcourse.i18n import KO

    templates = _templates()
    assert len(templates) > 20
    missing = [t for t, _ in templates if t not in KO]
    assert not missing, f"convcourse.i18n.KO lacks {len(missing)} templates: {missing[:5]}"
    fields = lambda t: {f for _, f, _, _ in string.Formatter().parse(t) if f}  # noqa: E731
    for english, korean in KO.items():
        assert fields(english) == fields(korean), f"{english!r}: the Korean has other fields"
        assert editions.HANGUL.search(korean) or not editions.PROSE.search(english), f"{english!r} is not Korean"
    unused = set(KO) - {t for t, _ in templates}
    assert not unused, f"convcourse.i18n.KO has templates no helper uses: {sorted(unused)[:5]}"


def test_visible_test_messages_follow_the_language():
    import numpy as np

    from convcourse import i18n
    from convcourse.testing import assert_close, assert_equal

    family = matplotlib.rcParams["font.family"]
    try:
        for lang, word in (("en", "should be"), ("ko", "이어야 합니다")):
            i18n.set_language(lang)
            with pytest.raises(AssertionError, match=word):
                assert_close(np.zeros(3), [1, 2, 3], "f(x)")
            with pytest.raises(AssertionError, match=word):
                assert_equal(2.0, 3, "g(1)")
    finally:
        i18n.set_language("en")
        matplotlib.rcParams["font.family"] = family


# --- Hangul in figures --------------------------------------------------------------------

def _font_has(path: str):
    from matplotlib.ft2font import FT2Font
    cmap = FT2Font(path).get_charmap()
    return lambda ch: ord(ch) in cmap


def test_every_character_of_the_korean_edition_has_a_glyph():
    """Each character of every string in the Korean edition's code cells and of every Korean
    helper message is in NanumGothic or (matplotlib's fallback) DejaVu Sans."""
    from matplotlib import font_manager

    from convcourse.i18n import KO, korean_font_path

    nanum = _font_has(str(korean_font_path()))
    dejavu = _font_has(font_manager.findfont("DejaVu Sans", fallback_to_default=False))
    texts = list(KO.values())
    for aid in assignment_ids():
        for nb in editions.build_assignment("ko", aid)[0].values():
            texts += [t for c in nb["cells"] if c["cell_type"] == "code" for t in editions._texts(editions._source(c))
                      if editions.HANGUL.search(t)]
    missing = sorted({ch for t in texts for ch in t if ch.isprintable() and not ch.isspace()
                      and not nanum(ch) and not dejavu(ch)})
    assert len(texts) > 100
    assert not missing, f"no glyph for {missing}"


def test_korean_figures_render_with_no_missing_glyph():
    """A missing glyph is an error here: a Korean title, labels and a helper's figure drawn
    after set_language("ko"); and before it (DejaVu Sans only) the same title does warn, so
    the check can fail."""
    import matplotlib.pyplot as plt
    import numpy as np

    from convcourse import i18n
    from convcourse.images import draw_grid

    def draw():
        fig, (a, b) = plt.subplots(1, 2)
        a.set_title("입력 I (7 x 7), 행 i, 열 j − 교차상관 ⋆")
        a.set_xlabel("열 j")
        draw_grid(b, np.arange(9.0).reshape(3, 3), title="커널 K (3 x 3)")
        fig.canvas.draw()
        plt.close(fig)

    matplotlib.use("Agg")
    family = matplotlib.rcParams["font.family"]
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message="Glyph .* missing")
            with pytest.raises(UserWarning, match="missing"):
                draw()
            i18n.set_language("ko")
            draw()
    finally:
        i18n.set_language("en")
        matplotlib.rcParams["font.family"] = family


# --- the glossary's terms ----------------------------------------------------------------

def test_the_korean_edition_uses_no_term_the_glossary_rules_out():
    """Text, code strings and comments of every Korean notebook, the helpers' messages and the
    feedback's: none of docs/glossary.md's `not` column."""
    from convcourse.i18n import KO
    from grader.hidden import messages, messages_ko
    from test_notebook_text import glossary

    _, avoid = glossary()
    texts = {"convcourse.i18n": "\n".join(KO.values()),
             "grader/hidden/messages_ko.py": (REPO / "grader" / "hidden" / "messages_ko.py").read_text(encoding="utf-8"),
             "grader/hidden/messages.py": (REPO / "grader" / "hidden" / "messages.py").read_text(encoding="utf-8")}
    for aid in assignment_ids():
        for name, nb in editions.build_assignment("ko", aid)[0].items():
            texts[f"{aid} (ko)"] = "\n".join(editions._source(c) for c in nb["cells"])
    assert messages and messages_ko
    found = [(where, term) for where, text in texts.items() for term in avoid
             if re.search(rf"(?<![가-힣]){re.escape(term)}(?![가-힣])" if len(term) == 1 else re.escape(term), text)]
    assert not found, f"terms docs/glossary.md rules out: {found}"
    assert "숨은 테스트" in texts["grader/hidden/messages.py"]


@pytest.fixture(scope="module")
def korean_sources(tmp_path_factory):
    return editions.write_sources("ko", tmp_path_factory.mktemp("ko-sources"))


@pytest.mark.parametrize("aid", assignment_ids())
def test_korean_notebook_draws_every_figure_with_no_missing_glyph(aid, korean_sources, notebook_runs):
    """The Korean solution notebook run in this process with every figure drawn, a missing
    glyph an error; and as many figures as the English edition draws."""
    from convcourse import i18n
    from notebook_runs import run_notebook

    family = matplotlib.rcParams["font.family"]
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message="Glyph .* missing")
            korean = run_notebook(aid, korean_sources, draw=True)
    finally:
        i18n.set_language("en")
        matplotlib.rcParams["font.family"] = family
    assert korean.figures == notebook_runs[aid].figures
