"""What feedback tells a student, in the edition they submitted (grader/editions.py).

Two kinds of text reach a student's feedback:

- the generic messages, built here from TEMPLATES: one entry per message, its English and
  its Korean side by side ("wrong values ... (largest error 7.29)", "hidden case 3 of 33: ",
  the grading notes). The fields ({where}, {error}, ...) are filled alike in both.
- the prose the registries declare (each Hint's message, a Budget's advice, a Spec's
  `expects`, a Case's description): written once, in English, in grader/hidden/aNN_*.py,
  and translated by the catalogue grader/hidden/messages_ko.py, which maps each English
  text exactly to its Korean (descriptions, built from sizes and options, by phrase rules).

English output is the templates' English with the same fields, so it stays as it was.
A text the catalogue lacks falls back to English at grading time (feedback never fails
for want of a translation); tests/test_feedback_language.py fails on any that is missing.
"""
from __future__ import annotations

import re

from ..editions import LANGUAGES, SOURCE_LANGUAGE as SOURCE
from . import messages_ko

# key -> {lang: template}. {where} is where_() of the case's description in that language;
# the other fields are numbers, shapes, names and code, the same in every language.
TEMPLATES: dict[str, dict[str, str]] = {
    # --- the verdict on one hidden case (grader/hidden/core.judge) --------------------------
    "where": {"en": " for {describe}", "ko": "[{describe}]에서 "},
    "not_implemented": {"en": "not implemented yet (it raised NotImplementedError)",
                        "ko": "아직 구현되지 않았습니다 (NotImplementedError가 발생했습니다)"},
    "raised_expected": {"en": "raised {raised}{where}; expected {expected}",
                        "ko": "{where}{raised} 예외가 발생했습니다. {expected} 예외가 발생해야 합니다"},
    "should_raise": {"en": "should raise {expected}{where}, but returned normally",
                     "ko": "{where}{expected} 예외가 발생해야 하는데 정상적으로 반환했습니다"},
    "raised": {"en": "raised {raised}{where}", "ko": "{where}{raised} 예외가 발생했습니다"},
    "modified": {"en": "changed its input array in place{where}; work on a copy",
                 "ko": "{where}입력 배열을 제자리에서 바꾸었습니다. 복사본으로 작업하세요"},
    "calls": {"en": "called its function arguments {calls} times{where}: {advice}",
              "ko": "{where}인자로 받은 함수를 {calls}번 호출했습니다: {advice}"},
    "line_counter": {"en": "switched off the grader's line counter{where}",
                     "ko": "{where}채점기의 줄 계수기를 껐습니다"},
    "lines": {"en": "ran {lines} lines of Python{where}, more than {most}: {advice}",
              "ko": "{where}Python 코드를 {lines}줄 실행했습니다. 허용된 {most}줄보다 많습니다: {advice}"},
    # {returned}: the result's type with its article in English ("a list"), without in Korean
    "returned": {"en": "returned {returned}{where}; expected {expects}",
                 "ko": "{where}반환값이 {returned}입니다. 기대한 반환값: {expects}"},
    "something": {"en": "something", "ko": "알 수 없는 값"},
    "scalar_int": {"en": "an int (use // for floor division)", "ko": "int (내림 나눗셈에는 //를 사용하세요)"},
    "scalar_bool": {"en": "True or False", "ko": "True 또는 False"},
    # {label}: the "label" message when the result is a tuple of parts ("dx: "), else ""
    "label": {"en": "{label}: ", "ko": "{label}의 "},
    "shape": {"en": "{label}output shape {got}, expected {expected}{where}",
              "ko": "{where}{label}출력 형태가 {got}입니다. 기대한 형태는 {expected}입니다"},
    "not_finite": {"en": "{label}output contains NaN or infinity{where}",
                   "ko": "{where}{label}출력에 NaN 또는 무한대가 있습니다"},
    "values": {"en": "wrong values{of}{where} (largest error {error})",
               "ko": "{where}{of}값이 틀렸습니다 (최대 오차 {error})"},
    "of": {"en": " of {label}", "ko": "{label}의 "},
    "hinted": {"en": "{message}: {hint}", "ko": "{message}: {hint}"},
    "parts_other": {"en": "returned something else{where}; expected a tuple ({parts})",
                    "ko": "{where}다른 것을 반환했습니다. 기대한 반환값: 튜플 ({parts})"},
    "part_not_none": {"en": "{label} should be None{where}", "ko": "{where}{label}의 값은 None이어야 합니다"},
    "part_none": {"en": "{label} is None{where}; expected an array of shape {shape}",
                  "ko": "{where}{label}의 값이 None입니다. 형태 {shape}의 배열이어야 합니다"},
    "labels_shape": {"en": "returned an array of shape {got}{where}; expected one label per image, shape {expected}",
                     "ko": "{where}형태 {got}의 배열을 반환했습니다. 이미지마다 레이블 하나씩, "
                           "형태 {expected}의 배열이어야 합니다"},
    "accuracy": {"en": "held-out accuracy {accuracy} ({right} of {total} digits){where}; at least {least} is needed",
                 "ko": "{where}홀드아웃 정확도가 {accuracy}입니다 (숫자 {total}개 중 {right}개). "
                       "최소 {least}가 필요합니다"},
    "used_thread": {"en": "{first} was running during the call{where}: work handed to a thread escapes the grader's "
                          "watch; stop your threads before the tests run",
                    "ko": "{where}호출 중에 {first}가 실행되고 있었습니다: 스레드에 넘긴 작업은 "
                          "채점기의 감시를 벗어납니다. 테스트가 실행되기 전에 스레드를 멈추세요"},
    "used_unwatched": {"en": "called {first}{where}: graded functions must not start threads or processes, or reach "
                             "around the grader's watch",
                       "ko": "{where}{first}을(를) 호출했습니다: 채점 대상 함수는 스레드나 프로세스를 시작하거나 "
                             "채점기의 감시를 우회해서는 안 됩니다"},
    "used_routine": {"en": "called {first}{where}: graded functions must not call ready-made convolution routines "
                           "(compare with them in a scratch cell instead)",
                     "ko": "{where}{first}을(를) 호출했습니다: 채점 대상 함수는 이미 만들어진 합성곱 루틴을 호출해서는 "
                           "안 됩니다 (그런 루틴과의 비교는 별도의 연습용 셀에서 하세요)"},
    # --- one graded function's verdicts ----------------------------------------------------
    "not_all_run": {"en": "{name}: the hidden cases did not all run",
                    "ko": "{name}: 숨은 테스트 사례가 모두 실행되지는 않았습니다"},
    "not_a_function": {"en": "{name} is {returned}, not a function", "ko": "{name}: 함수가 아니라 {returned}입니다"},
    "which": {"en": "hidden case {number} of {count}: ", "ko": "숨은 테스트 사례 {count}개 중 {number}번째: "},
    "failure": {"en": "{name}: {which}{message}", "ko": "{name}: {which}{message}"},
    "all_passed": {"en": "{name}: all {count} hidden cases passed",
                   "ko": "{name}: 숨은 테스트 사례 {count}개를 모두 통과했습니다"},
    # --- the grader's process (grader/preprocessors.TrustedVerdicts) -------------------------
    "no_cases": {"en": "{name}: no hidden cases are registered (tell your instructor)",
                 "ko": "{name}: 등록된 숨은 테스트 사례가 없습니다 (담당 교수자에게 알려 주세요)"},
    "reported_twice": {"en": "{name}: the hidden cases reported more than once (tampering with the grader)",
                       "ko": "{name}: 숨은 테스트 사례의 결과가 두 번 이상 보고되었습니다 (채점기를 조작한 것입니다)"},
    "reach": {"en": "{name}: a cell above this test uses {what}, which reaches into the grader or hides code from "
                    "it; a notebook must not do that anywhere (see notebook 00)",
              "ko": "{name}: 이 테스트 위의 셀이 {what}을(를) 사용합니다. 이는 채점기 내부에 손을 대거나 채점기로부터 "
                    "코드를 숨기는 일입니다. 노트북의 어느 곳에서도 그렇게 해서는 안 됩니다 (노트북 00 참고)"},
    "did_not_run": {"en": "{name}: the hidden cases did not run",
                    "ko": "{name}: 숨은 테스트 사례가 실행되지 않았습니다"},
    "tampered": {"en": "{reason}: it scores 0", "ko": "{reason}: 0점입니다"},
    "note_incomplete": {"en": "**Grading note:** the notebook did not run to the end ({status}); "
                              "what ran before was graded.",
                        "ko": "**채점 참고:** 노트북이 끝까지 실행되지 않았습니다 ({status}). "
                              "그 전까지 실행된 부분을 채점했습니다."},
    "note_disk": {"en": "**Grading note:** the notebook filled the disk space it is given while graded; "
                        "writing files beyond it failed. What ran was graded.",
                  "ko": "**채점 참고:** 채점 중에 노트북이 주어진 디스크 공간을 가득 채워서, 그 이상 파일을 쓰는 "
                        "작업은 실패했습니다. 실행된 부분을 채점했습니다."},
    "cell_timeout": {"en": "stopped after {seconds} s", "ko": "{seconds}초 후에 중단되었습니다"},
    "cell_timeout_line": {"en": "CellTimeoutError: the cell ran longer than {seconds} s",
                          "ko": "CellTimeoutError: 셀이 {seconds}초보다 오래 실행되었습니다"},
}


def language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else SOURCE


def say(key: str, lang: str = SOURCE, **fields) -> str:
    """The message `key` in `lang` (English if `lang` is not an edition), with `fields`."""
    return TEMPLATES[key][language(lang)].format(**fields)


def text(english: str, lang: str = SOURCE) -> str:
    """A registry's prose (a hint, an advice, an `expects`) or the grader's (why a test cell
    scores 0, a finding of the static check, a run's status) in `lang`: the catalogue's
    translation, or the English if it has none."""
    if language(lang) == SOURCE:
        return english
    return translated(english, lang) or english


def translated(english: str, lang: str) -> str | None:
    """The catalogue's translation of `english`, or None if it has none."""
    if lang != "ko":
        return None
    exact = messages_ko.TEXTS.get(english)
    if exact is not None:
        return exact
    for pattern, korean in messages_ko.TEXT_RULES:
        m = re.fullmatch(pattern, english)
        if m:
            return m.expand(korean)
    return None


def split_phrases(describe: str) -> list[str]:
    """A description's comma-separated phrases, commas inside brackets kept."""
    phrases, depth, current = [], 0, ""
    for ch in describe:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            phrases.append(current.strip())
            current = ""
        else:
            current += ch
    phrases.append(current.strip())
    return phrases


def translated_description(describe: str, lang: str) -> str | None:
    """A case's description in `lang`, or None if a phrase of it has no translation."""
    if lang != "ko":
        return None
    if describe in messages_ko.DESCRIPTIONS:
        return messages_ko.DESCRIPTIONS[describe]
    out = []
    for phrase in split_phrases(describe):
        for pattern, korean in messages_ko.PHRASE_RULES:
            m = re.fullmatch(pattern, phrase)
            if m:
                out.append(m.expand(korean))
                break
        else:
            return None
    return ", ".join(out)


def description(describe: str, lang: str = SOURCE) -> str:
    if language(lang) == SOURCE:
        return describe
    return translated_description(describe, lang) or describe


def where(describe: str, lang: str = SOURCE) -> str:
    """The case a message is about, as the templates place it ("" if it has no description)."""
    return say("where", lang, describe=description(describe, lang)) if describe else ""


def article_free(type_name: str) -> str:
    """'a list' -> 'list': a result's type as Korean names it."""
    return re.sub(r"^an? ", "", type_name)
