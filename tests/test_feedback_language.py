"""Feedback follows the edition the student submitted (grader/hidden/messages.py): a Korean
submission is told in Korean which hidden case failed and why, an English one exactly as
before. Every English hint, advice, description and template has its Korean, so a new
message cannot reach one edition only."""
from __future__ import annotations

import copy
import re
import string
from collections import Counter

import nbformat
import pytest
from nbgrader import utils
from nbgrader.preprocessors import ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec

from grader import course, submissions
from grader.course import REPO, notebook_names
from grader.hidden import REGISTRY, evaluate
from grader.hidden import messages, messages_ko
from grader.hidden.core import failure_message
from grader.inkernel.forbidden import THREAD_RUNNING
from grader.markup import checked_names
from grader.mutants import MUTANTS
from grader.preprocessors import DELETED, EDITED, RETYPED, RecordTestCells, RunRecord, TrustedVerdicts
from grading import harvested_outputs

HANGUL = re.compile(r"[\uac00-\ud7a3]")
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[+-]\d+)?%?")
# how a sandboxed run can end (grader/sandbox.py, grader/sandbox_service.py, grader/inkernel/runner.py)
STATUSES = ["not run", "kernel died", "notebook time limit", "killed at the wall-time limit", "refused", "unknown",
            "no notebook came back: the run was stopped (exit -9)", "runner error: KeyError"]
# the static check's findings that are prose, not code (grader/static_check.py)
FINDINGS = ["a change to sys.path", "allow_pickle (unpickling runs code)", "exec with a computed name",
            "timeit with code as computed text"]


def registry_texts() -> set[str]:
    """Every prose text of the registries that feedback can show."""
    found = set()
    for spec in REGISTRY.values():
        found |= {hint.message for hint in spec.hints}
        found |= {budget.advice for budget in (spec.max_calls, spec.max_lines) if budget is not None}
        found.add(spec.expects)
    return found


def grader_texts() -> list[str]:
    return [THREAD_RUNNING, DELETED, RETYPED, EDITED, *STATUSES, *FINDINGS]


def descriptions() -> set[str]:
    return {case.describe for spec in REGISTRY.values() for case in spec.cases() if case.describe}


def numbers(text: str) -> Counter:
    return Counter(NUMBER.findall(text))


# --- the catalogue is complete, and holds nothing else ----------------------------------

def test_every_hint_advice_and_expects_has_korean():
    missing = sorted(t for t in registry_texts() if messages.translated(t, "ko") is None)
    assert not missing, f"add their Korean to grader/hidden/messages_ko.py TEXTS: {missing}"


def test_the_graders_own_phrases_have_korean():
    assert [t for t in grader_texts() if messages.translated(t, "ko") is None] == []


def test_every_case_description_has_korean():
    missing = sorted(d for d in descriptions() if messages.translated_description(d, "ko") is None)
    assert not missing, f"add a phrase rule or a whole description to grader/hidden/messages_ko.py: {missing}"


def test_the_catalogue_translates_only_texts_that_exist():
    # a changed English hint leaves its old entry behind: it must go (or be updated) too
    stale = set(messages_ko.TEXTS) - registry_texts() - set(grader_texts())
    assert not stale, f"entries of messages_ko.TEXTS whose English is nowhere: {sorted(stale)}"
    assert set(messages_ko.DESCRIPTIONS) <= descriptions()


def test_every_template_is_in_every_language_with_the_same_fields():
    def fields(template):
        return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name)

    for key, by_lang in messages.TEMPLATES.items():
        assert set(by_lang) == set(messages.LANGUAGES), key
        assert HANGUL.search(by_lang["ko"]) or by_lang["ko"] == by_lang["en"], key
        assert fields(by_lang["ko"]) == fields(by_lang["en"]), key


def test_korean_keeps_the_numbers_and_is_korean():
    for english in [*registry_texts(), *grader_texts()]:
        korean = messages.translated(english, "ko")
        assert HANGUL.search(korean), english
        assert not numbers(english) - numbers(korean), (english, korean)
    for english in descriptions():
        korean = messages.translated_description(english, "ko")
        assert not numbers(english) - numbers(korean), (english, korean)


def test_descriptions_leave_only_code_in_english():
    code = {"AlexNet", "LeNet", "ResNet", "GPU", "True", "False", "arange", "len", "bias", "groups", "mode",
            "full", "same", "valid", "middle", "sigma", "pad", "box", "tent", "bump", "conv", "fc", "type",
            "dout", "tau", "log", "sum", "exp", "lr", "eps", "beta1", "beta2", "c_in", "c_out", "n_in", "n_out"}
    for english in descriptions():
        korean = messages.translated_description(english, "ko")
        words = set(re.findall(r"(?<![\d])[A-Za-z_][A-Za-z_0-9]+", korean))
        assert words <= code, (english, korean, words - code)


def test_korean_uses_the_glossary_terms():
    rows = [line.split("|") for line in (REPO / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("|") and not line.startswith("|---")]
    avoided = [term.strip() for row in rows[1:] for term in row[3].split("/") if term.strip()]
    assert avoided  # the table's last column: terms no Korean text may use
    korean = [*messages_ko.TEXTS.values(), *(t["ko"] for t in messages.TEMPLATES.values()),
              *(messages.translated_description(d, "ko") for d in descriptions())]
    for term in avoided:  # as a word of its own: 창 (window) is not in 팽창 (dilation)
        assert not [k for k in korean if re.search(rf"(?<![\uac00-\ud7a3]){term}", k)], term


# --- judging known-wrong variants in each edition ------------------------------------------

@pytest.fixture(scope="module")
def namespaces():
    return {aid: course.solution_functions(aid) for aid in {m.assignment for m in MUTANTS}}


def mutant_function(namespaces, function, label=None):
    mutant = next(m for m in MUTANTS if m.function == function and (label is None or m.label == label))
    namespace = dict(namespaces[mutant.assignment])  # the mutant may call other solutions
    exec(mutant.source, namespace)  # noqa: S102 - our own source
    return namespace[function]


# the message of the first failed case of some mutants, as the grader said it before editions
ENGLISH_BEFORE = {
    ("conv2d", "dilation used as a stride: the window moves by s*d, its taps side by side"):
        "wrong values for x (1, 1, 7, 7), w (1, 1, 3, 3), no bias, stride 1, padding 0, dilation 2 (largest error "
        "7.29): the dilation moved the window: the window moves by `stride`, and the dilation spreads the kernel's "
        "taps inside it",
    ("conv_output_size", "dilation ignored"):
        "wrong values for n=7, f=3, stride 1, padding 0, dilation 2 (largest error 2): the dilation is ignored: a "
        "dilated filter spans d*(f - 1) + 1 cells",
    ("sliding_windows", "swapped axes"):
        "output shape (1, 5), expected (5, 1) for x of length 5, size 1: rows and columns swapped",
    ("conv1d", "accepts any mode"): "should raise ValueError for mode='middle', but returned normally",
    ("relu", "changes its input in place"):
        "changed its input array in place for an array of shape (7,); work on a copy",
    ("conv2d_backward", "db forgotten"):
        "db is None for x (2, 3, 6, 5), w (4, 3, 3, 2), stride 1, padding 0, with bias; expected an array of shape "
        "(4,)",
    ("conv2d_backward", "swapped axes: db summed over the wrong axes"):
        "db: output shape (2,), expected (4,) for x (2, 3, 6, 5), w (4, 3, 3, 2), stride 1, padding 0, with bias",
    ("im2col", "not vectorised: a loop over output positions"):
        "ran 292 lines of Python for x (3, 2, 5, 5), a 1x1 window, stride 1, padding 0, more than 108: is there a "
        "Python loop over output positions? Gather the windows and use one matrix product (a loop over the "
        "kernel's taps is fine)",
    ("softmax_cross_entropy", "no maximum subtracted: overflows on large logits"):
        "loss: output contains NaN or infinity for 4 samples, 10 classes, very large logits",
    ("predict", "always the most common digit"):
        "held-out accuracy 10.0% (36 of 359 digits) for the 359 held-out digits; at least 96% is needed",
}


@pytest.mark.parametrize("function,label", list(ENGLISH_BEFORE), ids=[f"{f}: {lab}" for f, lab in ENGLISH_BEFORE])
def test_english_messages_are_as_before(namespaces, function, label):
    func = mutant_function(namespaces, function, label)
    for verdicts in (evaluate(function, func), evaluate(function, func, "en")):
        first = next(v for v in verdicts if not v.passed)
        assert first.message == ENGLISH_BEFORE[function, label]


def test_korean_dilation_message(namespaces):
    func = mutant_function(namespaces, "conv2d", "dilation used as a stride: the window moves by s*d, its taps side "
                                                 "by side")
    assert failure_message("conv2d", evaluate("conv2d", func, "ko"), "ko") == (
        "conv2d: 숨은 테스트 사례 33개 중 19번째: [x (1, 1, 7, 7), w (1, 1, 3, 3), 편향 없음, 스트라이드 1, 패딩 0, "
        "팽창 2]에서 값이 틀렸습니다 (최대 오차 7.29): 팽창이 윈도우를 옮겼습니다: 윈도우는 `stride`만큼 움직이고, "
        "팽창은 윈도우 안에서 커널의 탭 사이를 벌립니다")
    assert failure_message("conv2d", evaluate("conv2d", func)).startswith("conv2d: hidden case 19 of 33: wrong values")


SHAPE = re.compile(r"\(\d+(?:, \d+)*,?\)")


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: f"{m.function}: {m.label}")
def test_a_mutant_is_told_in_korean_with_the_same_numbers(namespaces, mutant):
    func = mutant_function(namespaces, mutant.function, mutant.label)
    english, korean = evaluate(mutant.function, func), evaluate(mutant.function, func, "ko")
    assert [(v.passed, v.case) for v in english] == [(v.passed, v.case) for v in korean]
    for en, ko in zip(english, korean):
        if en.passed:
            continue
        assert HANGUL.search(ko.message), ko.message
        assert not numbers(en.message) - numbers(ko.message), (en.message, ko.message)
        assert Counter(SHAPE.findall(en.message)) <= Counter(SHAPE.findall(ko.message)), (en.message, ko.message)
        error = re.search(r"\(largest error ([^)]+)\)", en.message)
        assert not error or f"(최대 오차 {error.group(1)})" in ko.message
        hint = next((h.message for h in REGISTRY[mutant.function].hints if en.message.endswith(": " + h.message)), None)
        assert hint is None or ko.message.endswith(": " + messages_ko.TEXTS[hint])


def test_an_unknown_language_is_english(namespaces):
    func = mutant_function(namespaces, "relu")
    assert [v.message for v in evaluate("relu", func, "fr")] == [v.message for v in evaluate("relu", func)]


# --- through the grader's TrustedVerdicts, on a submitted notebook --------------------------

AID = "04_stride_and_padding"


def graded(generated_course, namespaces, edition=None, status="complete", edit=False):
    """The notebook TrustedVerdicts leaves for a submission of AID whose conv2d is a known-wrong
    variant, from recorded outputs (as tests/test_scoring.py scores); `edition` goes into its
    metadata as a Korean edition's notebook carries it."""
    nb = copy.deepcopy(submissions.filled(AID))
    if edition:
        nb.metadata.setdefault("convcourse", {})["edition"] = edition
    resources = {"nbgrader": {"db_url": generated_course["db_url"], "assignment": AID,
                              "notebook": notebook_names(AID)[0], "student": "s"}, "sandbox": RunRecord(status)}
    for step in (ClearOutput(), DeduplicateIds(), OverwriteKernelspec()):
        nb, resources = step.preprocess(nb, resources)
    if edit:  # the student edits the test cell of zero_pad
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_zero_pad")
        cell.source += "\n# mine"
    for step in (RecordTestCells(), OverwriteCells()):
        nb, resources = step.preprocess(nb, resources)
    answers = {"conv2d": mutant_function(namespaces, "conv2d", "dilation used as a stride: the window moves by s*d, "
                                                               "its taps side by side")}
    for cell in nb.cells:
        if cell.cell_type == "code" and utils.is_grade(cell):
            for function in checked_names(cell.source):
                func = answers.get(function, namespaces[AID][function])
                cell.outputs += harvested_outputs(generated_course["cases"], function, func)
    code = next(c for c in nb.cells if c.cell_type == "code" and not utils.is_grade(c))
    code.outputs.append(nbformat.v4.new_output("error", ename="CellTimeoutError", evalue="stopped after 60 s",
                                               traceback=["CellTimeoutError: the cell ran longer than 60 s"]))
    nb, resources = TrustedVerdicts().preprocess(nb, resources)
    return nb


def failures(nb) -> list[str]:
    return [o["evalue"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


def test_a_korean_submission_is_told_in_korean(generated_course, namespaces):
    nb = graded(generated_course, namespaces, edition="ko", status="kernel died", edit=True)
    told = failures(nb)
    assert ("conv2d: 숨은 테스트 사례 33개 중 19번째: [x (1, 1, 7, 7), w (1, 1, 3, 3), 편향 없음, 스트라이드 1, "
            "패딩 0, 팽창 2]에서 값이 틀렸습니다 (최대 오차 7.29): 팽창이 윈도우를 옮겼습니다: 윈도우는 `stride`만큼 "
            "움직이고, 팽창은 윈도우 안에서 커널의 탭 사이를 벌립니다") in told
    assert "테스트 셀이 수정되었습니다: 0점입니다" in told
    assert "60초 후에 중단되었습니다" in told
    assert nb.cells[0].source == ("**채점 참고:** 노트북이 끝까지 실행되지 않았습니다 (커널이 종료됨). "
                                  "그 전까지 실행된 부분을 채점했습니다.")


@pytest.mark.parametrize("edition", [None, "en"])
def test_an_english_submission_is_told_in_english(generated_course, namespaces, edition):
    nb = graded(generated_course, namespaces, edition=edition, status="kernel died", edit=True)
    told = failures(nb)
    assert ("conv2d: hidden case 19 of 33: wrong values for x (1, 1, 7, 7), w (1, 1, 3, 3), no bias, stride 1, "
            "padding 0, dilation 2 (largest error 7.29): the dilation moved the window: the window moves by "
            "`stride`, and the dilation spreads the kernel's taps inside it") in told
    assert "the test cell was edited: it scores 0" in told
    assert "stopped after 60 s" in told
    assert nb.cells[0].source == ("**Grading note:** the notebook did not run to the end (kernel died); "
                                  "what ran before was graded.")
    assert not any(HANGUL.search(t) for t in told)
