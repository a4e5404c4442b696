"""The course's language editions: one source notebook per assignment (English, in
solutions/), and for every other language a translation catalogue that holds only prose
and messages, in `translations/<lang>/<assignment>.txt`.

A catalogue has one section per cell that has prose:

    === markdown cell-004 en:3f2a9c1e
    <the whole cell, translated>

    === code cell-006
    --- en
    ax1.set_title("input I (7 x 7)")       <- the English fragment, exactly as in the cell
    +++ ko
    ax1.set_title("입력 I (7 x 7)")          <- what replaces it

A markdown section replaces its cell whole; `en:` is the fingerprint of the English it
translates, so a change to the English makes the translation stale until it is redone. A
code section replaces fragments of the cell (every occurrence); the cell's code stays the
English source's: `build_source` refuses a translated cell whose Python tokens differ from the
English cell's in anything but strings and comments. So the graded cells (code, visible tests,
hidden blocks, grade ids and points) exist once, and a change to an exercise reaches both
editions. `problems` lists what is stale, missing or changes code; tests/test_editions.py
fails on any of it.

A translated notebook also states its edition in its metadata (`convcourse.edition`: the
feedback's hints follow it) and starts its first code cell with `SET_LANGUAGE`, which turns
the helpers' messages and figures (convcourse.i18n) into that language.
"""
from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .course import REPO, SOLUTIONS, assignment_ids, notebook_names
from .markup import MARKERS

TRANSLATIONS = REPO / "translations"
LANGUAGES = ("en", "ko")
SOURCE_LANGUAGE = "en"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# English prose in a string or comment: two words in a row (a title, a message, a docstring),
# not an identifier, a file name or a call written as a label
PROSE = re.compile(r"[A-Za-z]{2,} [A-Za-z]+")
FRAGMENT = re.compile(r"\+\+\+ [a-z]{2}")  # the translated fragment's header: '+++ ko'
SECTION = re.compile(r"^=== (markdown|code) (\S+)(?: en:([0-9a-f]{8}))?\s*$")


def set_language_line(lang: str) -> str:
    """The line a translated notebook's first code cell starts with."""
    return f'import convcourse.i18n; convcourse.i18n.set_language("{lang}")'


class EditionError(ValueError):
    pass


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


@dataclass
class Section:
    kind: str                     # "markdown" or "code"
    cell_id: str
    english_print: str | None     # markdown: the fingerprint of the English it translates
    text: str = ""                # markdown: the translated cell
    pairs: list[tuple[str, str]] = field(default_factory=list)  # code: (English, translated)
    line: int = 0                 # where it starts in the catalogue, for messages


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def catalogue_path(lang: str, assignment_id: str) -> Path:
    return TRANSLATIONS / lang / f"{assignment_id}.txt"


def parse(text: str, where: str = "catalogue") -> dict[str, Section]:
    """cell id -> Section. Raises EditionError on a malformed catalogue."""
    sections: dict[str, Section] = {}
    current: Section | None = None
    block: list[str] = []
    mode = None  # for code sections: "en" or "ko" (the fragment being read)

    def end_block():
        nonlocal block
        body = "\n".join(block).rstrip("\n")
        if current is None:
            pass  # the header: comments
        elif current.kind == "markdown":
            current.text = body
        elif mode == "en":
            current.pairs.append((body, None))
        elif mode == "ko":
            en, _ = current.pairs[-1]
            current.pairs[-1] = (en, body)
        elif body.strip():
            raise EditionError(f"{where}:{current.line}: text before the first '--- en' of a code section")
        block = []

    for n, line in enumerate(text.split("\n"), 1):
        m = SECTION.match(line)
        if m:
            end_block()
            kind, cell_id, printed = m.groups()
            if cell_id in sections:
                raise EditionError(f"{where}:{n}: a second section for {cell_id}")
            if kind == "markdown" and not printed:
                raise EditionError(f"{where}:{n}: a markdown section needs the English fingerprint (en:xxxxxxxx)")
            current = sections[cell_id] = Section(kind, cell_id, printed, line=n)
            mode = None
        elif current is not None and current.kind == "code" and (line == "--- en" or FRAGMENT.fullmatch(line)):
            end_block()
            if line == "--- en":
                if mode == "en":
                    raise EditionError(f"{where}:{n}: '--- en' follows '--- en' without a translation")
                mode = "en"
            else:
                if mode != "en":
                    raise EditionError(f"{where}:{n}: a translation without its '--- en' fragment")
                mode = "ko"
        else:
            block.append(line)
    end_block()
    for s in sections.values():
        if s.kind == "code" and any(ko is None for _, ko in s.pairs):
            raise EditionError(f"{where}:{s.line}: a fragment of {s.cell_id} has no translation")
    return sections


def load(lang: str, assignment_id: str) -> dict[str, Section]:
    path = catalogue_path(lang, assignment_id)
    if not path.exists():
        return {}
    return parse(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))


# --- what code may differ in ------------------------------------------------------------

def _tokens(source: str) -> list[tuple[int, str]] | None:
    """The cell's Python tokens without strings, comments and line structure; None if it
    does not tokenize (IPython magics, say)."""
    lines = [("pass  # " + ln) if ln.lstrip().startswith(("%", "!")) else ln for ln in source.split("\n")]
    try:
        toks = list(tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    skip = {tokenize.COMMENT, tokenize.STRING, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
            tokenize.DEDENT, tokenize.ENDMARKER}
    return [(t.type, t.string) for t in toks if t.type not in skip]


# a comment or a one-line string, for a cell that does not tokenize
STRING_OR_COMMENT = r"#[^\n]*|\"[^\"\n]*\"|'[^'\n]*'"


def _texts(source: str) -> list[str]:
    """The strings and comments of a cell, as written (quotes, prefixes and '#' included)."""
    try:
        toks = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
        return [t.string for t in toks if t.type in (tokenize.COMMENT, tokenize.STRING)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return re.findall(STRING_OR_COMMENT, source)


def same_code(english: str, translated: str) -> bool:
    a, b = _tokens(english), _tokens(translated)
    if a is None or b is None:
        strip = lambda s: re.sub(rf"{STRING_OR_COMMENT}|\s+", "", s)  # noqa: E731
        return strip(english) == strip(translated)
    return a == b


MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$", flags=re.S)
NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
# a count with its scale word is one value: "8 billion" (English), "80억" (Korean), "1억 3,800만"
SCALED = re.compile(rf"(?:({NUMBER})\s*억(?:\s*({NUMBER})\s*만)?|({NUMBER})\s*만(?!\w)|"
                    rf"({NUMBER})\s+(thousand|million|billion)\b)")
SCALES = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "만": 10 ** 4, "억": 10 ** 8}


def _formulas(markdown: str) -> set[str]:
    """The cell's LaTeX ($...$, $$...$$), with the words of \\text{...} left out and spaces
    ignored: an edition translates words, never mathematics."""
    return {re.sub(r"\s+", "", re.sub(r"\\text\{[^{}]*\}", r"\\text{}", f)) for f in MATH.findall(markdown)}


def _value(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


def _scaled(m: re.Match) -> str:
    eok, man_after_eok, man, count, word = m.groups()
    if eok is not None:
        value = _value(eok) * SCALES["억"] + (_value(man_after_eok) * SCALES["만"] if man_after_eok else 0)
    elif man is not None:
        value = _value(man) * SCALES["만"]
    else:
        value = _value(count) * SCALES[word]
    return f" {value.normalize():f} "


def _numbers(markdown: str) -> set[str]:
    """The numbers of a cell's text outside its formulas (1,392 / 0.25 / 7), a count with its
    scale word as its value (8 billion = 80억 = 8000000000): each edition states the same ones."""
    text = SCALED.sub(_scaled, MATH.sub(" ", markdown))
    return {f"{_value(n).normalize():f}" if "," in n else n for n in re.findall(NUMBER, text)}


def is_prose(text: str) -> bool:
    """English words to translate in a string or comment (nbgrader's markers are not)."""
    if text.startswith("#") and any(marker in text for marker in MARKERS):
        return False
    body = re.sub(r"^[rRbBfFuU]*('''|\"\"\"|'|\")|('''|\"\"\"|'|\")$|^#", "", text)
    return bool(PROSE.search(body)) and not HANGUL.search(body)


# --- building a translated source notebook -----------------------------------------------

def translate_cell(cell: dict, section: Section | None, lang: str, where: str) -> tuple[dict, list[str]]:
    """(the cell in `lang`, problems). A cell without a section stays as it is."""
    problems = []
    out = copy.deepcopy(cell)
    english = _source(cell)
    if section is None:
        return out, problems
    if section.kind != cell["cell_type"]:
        return out, [f"{where}: the catalogue translates it as {section.kind}, but it is a {cell['cell_type']} cell"]
    if section.kind == "markdown":
        if section.english_print != fingerprint(english):
            problems.append(f"{where}: the English changed since it was translated "
                            f"(en:{section.english_print}, now en:{fingerprint(english)}): "
                            f"translate the cell again and update its fingerprint")
        for what, english_set, translated_set in (("numbers", _numbers(english), _numbers(section.text)),
                                                  ("formulas", _formulas(english), _formulas(section.text))):
            if english_set != translated_set:
                gone, extra = sorted(english_set - translated_set), sorted(translated_set - english_set)
                problems.append(f"{where}: the translation's {what} differ from the English's"
                                + (f"; missing {gone}" if gone else "") + (f"; not in the English {extra}" if extra else ""))
        out["source"] = section.text
        return out, problems
    text = english
    for en, ko in section.pairs:
        if en not in english:
            problems.append(f"{where}: the English fragment {en[:70]!r} is no longer in the cell")
            continue
        text = text.replace(en, ko)
    if not same_code(english, text):
        problems.append(f"{where}: the translation changes code, not only strings and comments")
        return out, problems
    out["source"] = text
    return out, problems


def build_notebook(nb: dict, sections: dict[str, Section], lang: str, where: str) -> tuple[dict, list[str]]:
    """The notebook `nb` (English source) in `lang`, and the problems found on the way."""
    if lang == SOURCE_LANGUAGE:
        return copy.deepcopy(nb), []
    out = copy.deepcopy(nb)
    problems = []
    ids = {c.get("id") for c in nb["cells"]}
    for cell_id, s in sections.items():
        if cell_id not in ids:
            problems.append(f"{where}: the catalogue translates {cell_id} (line {s.line}), which the notebook no longer has")
    # an English fragment kept on purpose is listed as its own translation
    kept = {en for s in sections.values() for en, ko in s.pairs if en == ko}
    cells = []
    first_code = True
    for cell in nb["cells"]:
        cid = cell.get("id")
        new, found = translate_cell(cell, sections.get(cid), lang, f"{where} {cid}")
        problems += found
        text = _source(new)
        if cell["cell_type"] == "markdown" and PROSE.search(_source(cell)) and (
                cid not in sections or text.strip() == _source(cell).strip() or not HANGUL.search(text)):
            problems.append(f"{where} {cid}: a markdown cell without its translation")
        if cell["cell_type"] == "code":
            for piece in _texts(text):
                if is_prose(piece) and piece not in kept:
                    problems.append(f"{where} {cid}: untranslated {piece[:70]!r} (translate it in the catalogue, "
                                    f"or list it with itself as translation to keep it)")
            if first_code:
                new["source"] = set_language_line(lang) + "\n" + text
                first_code = False
        cells.append(new)
    out["cells"] = cells
    out.setdefault("metadata", {}).setdefault("convcourse", {})["edition"] = lang
    return out, problems


def source_path(assignment_id: str, name: str) -> Path:
    return SOLUTIONS / assignment_id / f"{name}.ipynb"


def build_assignment(lang: str, assignment_id: str) -> tuple[dict[str, dict], list[str]]:
    """{notebook name: the source notebook in `lang`}, problems."""
    sections = load(lang, assignment_id) if lang != SOURCE_LANGUAGE else {}
    out, problems = {}, []
    for name in notebook_names(assignment_id):
        nb = json.loads(source_path(assignment_id, name).read_text(encoding="utf-8"))
        out[name], found = build_notebook(nb, sections, lang, f"translations/{lang}/{assignment_id}.txt: {name}")
        problems += found
    return out, problems


COURSE_SETTINGS = REPO / "course.toml"


def class_language(settings: Path = COURSE_SETTINGS) -> str:
    """The class's edition, as the teaching assistant set it in course.toml (English if unset)."""
    import tomllib

    if not settings.exists():
        return SOURCE_LANGUAGE
    try:
        lang = tomllib.loads(settings.read_text(encoding="utf-8")).get("language", SOURCE_LANGUAGE)
    except tomllib.TOMLDecodeError as exc:
        raise EditionError(f"{settings.name}: {exc}") from None
    if lang not in LANGUAGES:
        raise EditionError(f"{settings.name}: language = {lang!r}; the course has {', '.join(map(repr, LANGUAGES))}")
    return lang


def sources(lang: str, scratch: Path) -> Path:
    """The folder of source notebooks (solutions/'s layout) of the `lang` edition: solutions/
    itself for English, else the edition built into `scratch` (replaced)."""
    check_language(lang)
    if lang == SOURCE_LANGUAGE:
        return SOLUTIONS
    import shutil
    shutil.rmtree(scratch, ignore_errors=True)
    return write_sources(lang, scratch)


def check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise EditionError(f"no {lang!r} edition: the course has {', '.join(LANGUAGES)}")


def write_sources(lang: str, dest: Path, strict: bool = True) -> Path:
    """Write every assignment's source notebooks in `lang` to `dest/<aid>/<name>.ipynb` (the
    layout of solutions/) and return `dest`. Raises EditionError if a catalogue is stale,
    incomplete or changes code (unless `strict` is False: then the English stands in)."""
    check_language(lang)
    dest = Path(dest)
    all_problems = []
    for aid in assignment_ids():
        notebooks, problems = build_assignment(lang, aid)
        all_problems += problems
        (dest / aid).mkdir(parents=True, exist_ok=True)
        for name, nb in notebooks.items():
            (dest / aid / f"{name}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                                                       encoding="utf-8")
    if all_problems and strict:
        raise EditionError(f"the {lang} edition is not in step with the English source:\n  "
                           + "\n  ".join(all_problems))
    return dest


def problems(lang: str, assignment_id: str | None = None) -> list[str]:
    found = []
    for aid in [assignment_id] if assignment_id else assignment_ids():
        found += build_assignment(lang, aid)[1]
    return found


def edition_of(nb) -> str:
    """The edition a notebook (a submission) says it is; English if it says nothing."""
    meta = nb.get("metadata", {}) if isinstance(nb, dict) else {}
    lang = (meta.get("convcourse") or {}).get("edition", SOURCE_LANGUAGE)
    return lang if lang in LANGUAGES else SOURCE_LANGUAGE


# --- a submission in another edition than the gradebook's ------------------------------

def _grade_id(cell) -> str | None:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


_EDITION_CELLS: dict = {}


def cells_by_edition(assignment_id: str, name: str) -> dict[str, dict[str, str]]:
    """{lang: {grade_id: the cell's source in that edition}} of one source notebook, from the
    repository (the gradebook's copy is rebuilt from it in every grading run)."""
    key = (assignment_id, name)
    if key not in _EDITION_CELLS:
        english = json.loads(source_path(assignment_id, name).read_text(encoding="utf-8"))
        found = {}
        for lang in LANGUAGES:
            nb = build_notebook(english, load(lang, assignment_id) if lang != SOURCE_LANGUAGE else {},
                                lang, assignment_id)[0]
            found[lang] = {_grade_id(c): _source(c) for c in nb["cells"] if _grade_id(c)}
        _EDITION_CELLS[key] = found
    return _EDITION_CELLS[key]


def in_edition(assignment_id: str, name: str, grade_id: str, source: str, lang: str) -> str | None:
    """`source`, the gradebook's copy of cell `grade_id` in whichever edition it is, in the
    edition `lang`; None if it is not one of the repository's editions of that cell."""
    editions = cells_by_edition(assignment_id, name)
    if not any(cells.get(grade_id) == source for cells in editions.values()):
        return None
    return editions.get(lang, {}).get(grade_id)


def released_versions(assignment_id: str, name: str, grade_id: str, source: str) -> list[str]:
    """Every edition's version of cell `grade_id` if `source` (the gradebook's copy) is one of
    them, else just `source`: a test cell is as released if it is as any edition released it."""
    editions = cells_by_edition(assignment_id, name)
    versions = [cells[grade_id] for cells in editions.values() if grade_id in cells]
    return versions if source in versions else [source]


# --- a catalogue to start from ------------------------------------------------------------

def skeleton(lang: str, assignment_id: str) -> str:
    """A catalogue for `assignment_id` with every prose cell and fragment, in English: the
    translator replaces the text under each header. Sections already translated in the
    existing catalogue are kept as they are."""
    existing = load(lang, assignment_id)
    parts = [f"# The {lang} edition of {assignment_id}: see grader/editions.py for the format.\n"]
    for name in notebook_names(assignment_id):
        nb = json.loads(source_path(assignment_id, name).read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            cid, src = cell.get("id"), _source(cell)
            old = existing.get(cid)
            if cell["cell_type"] == "markdown":
                text = old.text if old is not None and old.kind == "markdown" else src
                parts.append(f"=== markdown {cid} en:{fingerprint(src)}\n{text}\n")
            elif cell["cell_type"] == "code":
                done = dict(old.pairs) if old is not None and old.kind == "code" else {}
                frags = list(dict.fromkeys(p for p in _texts(src) if is_prose(p) or p in done))
                frags += [en for en in done if en not in frags and en in src]
                if frags:
                    body = "".join(f"--- en\n{en}\n+++ {lang}\n{done.get(en, en)}\n" for en in frags)
                    parts.append(f"=== code {cid}\n{body}")
    return "\n".join(parts)
