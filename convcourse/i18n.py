"""The language of the helpers' messages and figures: English, or the Korean edition's.

A Korean-edition notebook starts with `convcourse.i18n.set_language("ko")` (the release adds
it, grader/editions.py): from then on the visible tests' messages (convcourse.testing), the
figure helpers' titles and labels and the other helpers' messages are Korean, and matplotlib
draws Hangul with NanumGothic (from the pinned koreanize-matplotlib package, SIL Open Font
Licence), falling back to DejaVu Sans for what NanumGothic lacks. English notebooks never call
it, and nothing changes for them.

Each message is written once in English, as a `str.format` template, and looked up here:
`tr("got shape {shape}", shape=...)`. tests/test_editions.py fails if a template used in
convcourse has no Korean.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

LANGUAGES = ("en", "ko")
_language = "en"
KOREAN_FONT = "NanumGothic"


def language() -> str:
    return _language


def set_language(lang: str) -> None:
    """Messages and figures in `lang` ("en" or "ko") from now on."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"set_language: no {lang!r} edition; the course has {', '.join(LANGUAGES)}")
    _language = lang
    if lang == "ko":
        use_korean_font()


def korean_font_path() -> Path:
    """NanumGothic.ttf as shipped by koreanize-matplotlib (found without importing the
    package, whose import changes matplotlib's settings and needs distutils)."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the Korean edition needs the package koreanize-matplotlib (its NanumGothic font): "
                          "run ./course setup again")
    return Path(list(spec.submodule_search_locations)[0]) / "fonts" / f"{KOREAN_FONT}.ttf"


def use_korean_font() -> None:
    import matplotlib
    from matplotlib import font_manager

    path = str(korean_font_path())
    if KOREAN_FONT not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    # a list: matplotlib takes each glyph from the first family that has it
    matplotlib.rcParams["font.family"] = [KOREAN_FONT, "DejaVu Sans"]


def tr(template: str, **fields) -> str:
    """`template` in the current language, filled with `fields` (str.format)."""
    if _language == "ko":
        template = KO.get(template, template)
    return template.format(**fields) if fields else template


# English template -> Korean. Terms as in docs/glossary.md.
KO: dict[str, str] = {
    # convcourse.testing: the visible tests' messages
    "a number": "수 하나",
    "an array of shape {shape}": "형태이 {shape}인 배열",
    "{what} should be {wanted}, got None: does your function return its result?":
        "{what}은(는) {wanted}이어야 하는데 None이 나왔습니다. 함수가 결과를 return하나요?",
    "{what} should be {wanted}, got {kind} {got}": "{what}은(는) {wanted}이어야 합니다. 실제 값: {kind} {got}",
    "{what} should be {expected}{why}, got {got}": "{what}은(는) {expected}이어야 합니다{why}. 실제 값: {got}",
    "{what}: {count} of {size} entries differ from the expected values{why}; "
    "the first at index {index} should be {expected}, got {got}":
        "{what}: 원소 {size}개 중 {count}개가 기댓값과 다릅니다{why}. 처음 다른 곳은 인덱스 {index}: "
        "{expected}이어야 하는데 {got}입니다",
    "{what} should have shape {expected}{why}, got shape {got}":
        "{what}의 형태은 {expected}이어야 합니다{why}. 실제 형태: {got}",
    "a numpy array": "numpy 배열",
    "a {name}": "{name}",
    "an {name}": "{name}",
    " ({kind}, not a bool)": " ({kind}, bool이 아님)",
    " (use // for floor division)": " (나눗셈의 몫은 //로 구하세요)",
    "{what} should be the int {expected}{why}, got {got}, {kind}{hint}":
        "{what}은(는) int {expected}이어야 합니다{why}. 실제 값: {got}, {kind}{hint}",
    " ({got_kind}, not {expected_kind})": " ({expected_kind}이(가) 아니라 {got_kind})",
    "{what} should be an array of shape {shape}, got a ragged {kind}":
        "{what}은(는) 형태이 {shape}인 배열이어야 하는데 길이가 고르지 않은 {kind}이(가) 나왔습니다",
    "{what} should raise {error}, but raised no error": "{what}은(는) {error}를 일으켜야 하는데 아무 오류도 일으키지 않았습니다",
    "{what} should raise {error}, but raised {kind}: {value}":
        "{what}은(는) {error}를 일으켜야 하는데 {kind}를 일으켰습니다: {value}",
    # convcourse.prerequisites
    "  - {name} (notebook {notebook})": "  - {name} (노트북 {notebook})",
    "this notebook needs functions of earlier notebooks whose assignments are not closed yet, "
    "so convcourse.earlier does not have them:\n{listed}\n"
    "Insert a cell above this one, paste your own {names} from {where} into it and run it, then "
    "run this cell again (or ask your instructor for the course release made after their deadlines).":
        "이 노트북은 앞 노트북의 함수가 필요한데, 그 과제가 아직 마감되지 않아 convcourse.earlier에 "
        "없습니다:\n{listed}\n"
        "이 셀 위에 셀을 하나 넣고 {where}에서 직접 작성한 {names}을(를) 붙여 넣어 실행한 다음, 이 셀을 "
        "다시 실행하세요(또는 마감 뒤에 나온 과정 배포본을 강사에게 요청하세요).",
    "that notebook": "그 노트북",
    "those notebooks": "그 노트북들",
    "Using your own {own}; {taken} from convcourse.earlier.":
        "직접 작성한 {own}을(를) 씁니다. {taken}은(는) convcourse.earlier의 것을 씁니다.",
    "Using your own {own}.": "직접 작성한 {own}을(를) 씁니다.",
    # convcourse.interactive: why a figure cannot be drawn yet
    "finish the exercise {name} first: it still raises NotImplementedError. Then run this cell again.":
        "먼저 연습 문제 {name}을(를) 끝내세요. 아직 NotImplementedError를 일으킵니다. 그다음 이 셀을 다시 실행하세요.",
    "{name} raised {error} (fix it in its exercise, then run this cell again)":
        "{name}이(가) {error}를 일으켰습니다(해당 연습 문제에서 고친 다음 이 셀을 다시 실행하세요)",
    "{what} returned None: does the function end with a return?":
        "{what}이(가) None을 돌려주었습니다. 함수가 return으로 끝나나요?",
    "{what} returned {kind}, not an array of numbers": "{what}이(가) 수의 배열이 아니라 {kind}을(를) 돌려주었습니다",
    "{what} returned shape {shape}, not (1, 1, H_out, W_out)":
        "{what}이(가) 돌려준 형태은 (1, 1, H_out, W_out)이 아니라 {shape}입니다",
    "{what} returned shape {shape}, not a 2-D image": "{what}이(가) 돌려준 형태은 2차원 이미지가 아니라 {shape}입니다",
    # convcourse.data
    "The course data folder {folder} does not exist. Set up the course with `./course setup` in its folder, "
    "or set CONVCOURSE_DATA to the data folder.":
        "과정 데이터 폴더 {folder}이(가) 없습니다. 과정 폴더에서 `./course setup`으로 과정을 설치하거나, "
        "CONVCOURSE_DATA에 데이터 폴더를 지정하세요.",
    "No data file named {name!r}. Available: {available}": "{name!r}이라는 데이터 파일이 없습니다. 있는 파일: {available}",
    # figures: titles, labels and the lines beside them
    "input grid ({grid} x {grid}); red: the pixel under the output unit":
        "입력 격자({grid} x {grid}). 빨간색: 출력 유닛 아래의 픽셀",
    "step h": "간격 h",
    "largest error of the derivative": "도함수의 최대 오차",
    "y = x \u22c6 w (valid cross-correlation); red: the paths from x{highlight}":
        "y = x \u22c6 w (valid 교차상관). 빨간색: x{highlight}에서 나가는 경로",
    "n={n}, f={f}, stride {stride}, padding {padding}": "n={n}, f={f}, 스트라이드 {stride}, 패딩 {padding}",
    ", dilation {dilation}": ", 팽창 {dilation}",
    "{count} x {count} positions": "위치 {count} x {count}개",
    "the window (span {span}) does not fit": "윈도우(폭 {span})가 들어가지 않습니다",
    "input I ({rows}x{cols}), window at ({r}, {c})": "입력 I ({rows}x{cols}), 윈도우 위치 ({r}, {c})",
    "kernel K ({kh}x{kw})": "커널 K ({kh}x{kw})",
    "output O ({oh}x{ow}): O[{r}, {c}] = {shown}": "출력 O ({oh}x{ow}): O[{r}, {c}] = {shown}",
    "top-left {rows} x {cols} pixels: the first windows\nrows {row_starts}, ...; columns {col_starts}, ...":
        "왼쪽 위 {rows} x {cols} 픽셀: 처음 몇 윈도우\n행 {row_starts}, ...; 열 {col_starts}, ...",
    "; the formula gives {rows} x {cols}: check the output size": "; 공식으로는 {rows} x {cols}입니다: 출력 크기를 확인하세요",
    "image {H} x {W}: first window (red) at (0, 0),\nlast (blue) at ({r}, {c})":
        "이미지 {H} x {W}: 첫 윈도우(빨간색)는 (0, 0),\n마지막(파란색)은 ({r}, {c})",
    "{kernel} ({kh} x {kw}), weights sum to {total:.3g}": "{kernel} ({kh} x {kw}), 가중치의 합 {total:.3g}",
    "input {h} x {w}, padded to {ph} x {pw};\nred: rows / columns no window reads":
        "입력 {h} x {w}, 패딩 후 {ph} x {pw};\n빨간색: 어떤 윈도우도 읽지 않는 행 / 열",
    "overlapping windows": "윈도우가 겹칩니다",
    "gaps between windows": "윈도우 사이에 빈틈이 있습니다",
    "windows tile": "윈도우가 빈틈없이 나란히 놓입니다",
    "input {h} x {w};\nred: rows / columns no window reads": "입력 {h} x {w};\n빨간색: 어떤 윈도우도 읽지 않는 행 / 열",
    "input I ({rows} x {cols})": "입력 I ({rows} x {cols})",
    "kernel K ({kh} x {kw})": "커널 K ({kh} x {kw})",
    "output O ({oh} x {ow}): window at ({i}, {j}),\nO[{i}, {j}] = {value}":
        "출력 O ({oh} x {ow}): 윈도우 위치 ({i}, {j}),\nO[{i}, {j}] = {value}",
    "outputs of a kernel of length m = {m}, each centred on the samples it uses\n"
    "(y_j = entry j of the full output; dashed: implied zeros)":
        "길이 m = {m}인 커널의 출력. 각 출력은 자신이 쓰는 샘플의 가운데에 놓입니다\n"
        "(y_j = full 출력의 j번째 원소, 점선: 암묵적인 0)",
    "the convolution: one value per shift t (the shaded areas above)": "합성곱: 이동 t마다 값 하나(위의 색칠한 넓이)",
    "seconds per call": "호출 한 번의 시간(초)",
    "filter {i}": "필터 {i}",
    "input {c} x {h} x {w}": "입력 {c} x {h} x {w}",
    "output {n} x {oh} x {ow}": "출력 {n} x {oh} x {ow}",
    "filter {c} x {kh} x {kw}\n({weights} weights + 1 bias)": "필터 {c} x {kh} x {kw}\n(가중치 {weights}개 + 편향 1개)",
    "one number:\nsum of all products + bias": "수 하나:\n모든 곱의 합 + 편향",
    "channel {k}": "채널 {k}",
    # convcourse.summaries: the table of a network's layers
    "layer": "계층",
    "output shape": "출력 형태",
    "parameters": "파라미터",
    "input": "입력",
    "total parameters: {total:,}": "전체 파라미터: {total:,}",
}
