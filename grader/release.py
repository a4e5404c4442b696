"""Regenerate the student notebooks from solutions/ and build the student bundle.

`release()` runs nbgrader's generate_assignment for every assignment in one process
(with a throw-away gradebook, so the repository gets no gradebook.db), then refuses
the result if any released notebook still holds solution code, a hidden test, a
reference to the grader, or outputs.
"""
from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from .course import DATA, NOTEBOOKS, REPO, SOLUTIONS, assignment_ids
from .markup import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, END_SOLUTION, MARKERS

BUILD = REPO / "build"
BUNDLE_ZIP = BUILD / "conv-course-student.zip"
# the repository's files the bundle shares, and bundle/: what only students get (their README,
# their JupyterLab's configuration)
BUNDLE_FILES = ["course", "requirements.txt", "constraints.txt"]
BUNDLE_OWN = REPO / "bundle"


class ReleaseError(RuntimeError):
    pass


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def secret_lines(source_notebook: Path) -> set[str]:
    """Lines inside solution or hidden-test regions that appear nowhere else in the
    source notebook: if one shows up in a release, the release leaks."""
    secret, public = set(), set()
    for cell in _cells(source_notebook):
        inside = False
        for line in _source(cell).split("\n"):
            text = line.strip()
            if BEGIN_SOLUTION in text or BEGIN_HIDDEN in text:
                inside = True
            elif END_SOLUTION in text or END_HIDDEN in text:
                inside = False
            elif len(text) >= 8 and not text.startswith("#"):
                (secret if inside else public).add(text)
    return secret - public


def find_leaks(release_dir: Path = NOTEBOOKS, source: Path = SOLUTIONS) -> list[str]:
    """Everything in a release that must not be there, as readable messages. `source` is the
    folder of source notebooks the release was made from (an edition's, see grader/editions.py)."""
    problems = []
    for aid in assignment_ids():
        for src in sorted((source / aid).glob("*.ipynb")):
            rel = release_dir / aid / src.name
            if not rel.exists():
                problems.append(f"{rel}: missing from the release")
                continue
            secrets = secret_lines(src)
            for i, cell in enumerate(_cells(rel)):
                text = _source(cell)
                where = f"{rel.relative_to(release_dir)} cell {i}"
                for marker in MARKERS:
                    if marker in text:
                        problems.append(f"{where}: contains the marker {marker!r}")
                if cell.get("cell_type") == "code":
                    if "import grader" in text or "from grader" in text:
                        problems.append(f"{where}: refers to the grader package")
                    if cell.get("outputs") or cell.get("execution_count"):
                        problems.append(f"{where}: has outputs")
                for line in text.split("\n"):
                    if line.strip() in secrets:
                        problems.append(f"{where}: solution or hidden-test line {line.strip()[:60]!r}")
    return problems


def generate(dest: Path = NOTEBOOKS, db_url: str | None = None, source: Path = SOLUTIONS) -> list[Path]:
    """Run nbgrader generate_assignment for every assignment of `source` (solutions/, or an
    edition's sources) into `dest`, with a throw-away gradebook (or the one at `db_url`, which
    then holds every assignment)."""
    from nbgrader.apps import NbGraderAPI

    from .course import tools_on_path
    from .settings import course_config
    from .patches import for_grading

    tools_on_path()
    for_grading()
    dest = Path(dest).resolve()
    with tempfile.TemporaryDirectory(prefix="release-db-") as tmp:
        config = course_config(
            REPO, release_directory=str(dest), source_directory=str(Path(source).resolve()),
            db_url=db_url or f"sqlite:///{tmp}/gradebook.db")
        api = NbGraderAPI(config=config)
        written = []
        for aid in assignment_ids():
            result = api.generate_assignment(aid, force=True, create=True)
            if not result["success"]:
                raise ReleaseError(f"nbgrader could not generate {aid}:\n{result.get('error', '')}"
                                   f"\n{result.get('log', '')}")
            written += sorted((dest / aid).glob("*.ipynb"))
    return written


def check_closed(closed: list[str]) -> list[str]:
    unknown = [aid for aid in closed if aid not in assignment_ids()]
    if unknown:
        raise ReleaseError(f"--closed names no such assignment: {', '.join(unknown)} "
                           f"(assignments: {', '.join(assignment_ids())})")
    return list(closed)


def bundle_problems(bundle_dir: Path, closed: list[str]) -> list[str]:
    """No solution line of an assignment that is not closed may be in the bundle's
    `convcourse/earlier/` (the rest of convcourse is checked by student_package_problems)."""
    def secrets_of(aid):
        return set().union(*(secret_lines(src) for src in (SOLUTIONS / aid).glob("*.ipynb")))

    # a line that a closed assignment's solution has too (`x = np.asarray(x)`) gives nothing away
    shared = set().union(*(secrets_of(aid) for aid in closed))
    problems = []
    files = sorted((bundle_dir / "convcourse" / "earlier").rglob("*.py"))
    for aid in assignment_ids():
        if aid in closed:
            continue
        secrets = secrets_of(aid) - shared
        for path in files:
            for line in path.read_text(encoding="utf-8").split("\n"):
                if line.strip() in secrets:
                    problems.append(f"{path.relative_to(bundle_dir)}: solution line of {aid}, "
                                    f"which is not closed: {line.strip()[:60]!r}")
    return problems


def release_edition(release_dir: Path) -> str:
    """The edition of a release, as its notebooks say (English if they say nothing)."""
    from .editions import edition_of

    first = next(iter(sorted(Path(release_dir).glob("*/*.ipynb"))), None)
    return edition_of(json.loads(first.read_text(encoding="utf-8"))) if first else "en"


def build_bundle(release_dir: Path = NOTEBOOKS, closed: list[str] = (), out: Path = BUILD,
                 lang: str | None = None) -> Path:
    """The student bundle `out/conv-course-student.zip` (unpacked in `out/student/`): released
    notebooks, data, the student-side helpers, the set-up script and bundle/ (its README in the
    release's edition, `lang`, read from the notebooks if not given); `convcourse.earlier`
    holds the model solutions of the `closed` assignments only. No grader, no solutions of
    open assignments."""
    from .earlier import write_package

    lang = lang or release_edition(release_dir)

    closed = check_closed(list(closed))
    staging = Path(out) / "student"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copytree(release_dir, staging / "notebooks")
    shutil.copytree(DATA, staging / "data")
    shutil.copytree(REPO / "convcourse", staging / "convcourse",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "earlier"))
    write_package(staging / "convcourse" / "earlier", closed)
    problems = bundle_problems(staging, closed)
    if problems:
        raise ReleaseError("the student bundle leaks solutions:\n  " + "\n  ".join(problems))
    for name in BUNDLE_FILES:
        shutil.copy2(REPO / name, staging / name)
    shutil.copytree(BUNDLE_OWN, staging, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.*.md"))
    if lang != "en":  # the edition's README replaces the English one
        shutil.copy2(BUNDLE_OWN / f"README.{lang}.md", staging / "README.md")
    zip_path = Path(out) / BUNDLE_ZIP.name
    zip_path.unlink(missing_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo.from_file(path, Path("conv-course") / path.relative_to(staging))
                info.date_time = (2026, 1, 1, 0, 0, 0)  # reproducible archive
                zf.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return zip_path


def student_package_problems() -> list[str]:
    """The student-side package must not define a graded function or use the grader
    (apart from `convcourse/earlier/`, generated from solutions/ and filtered per release)."""
    import ast

    from .hidden import REGISTRY

    problems = []
    for path in sorted((REPO / "convcourse").rglob("*.py")):
        if "earlier" in path.relative_to(REPO / "convcourse").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in REGISTRY:
                problems.append(f"convcourse/{path.name}:{node.lineno}: defines graded function {node.name}")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n == "grader" or n.startswith("grader.") for n in names):
                    problems.append(f"convcourse/{path.name}:{node.lineno}: imports the grader")
    return problems


def release(dest: Path = NOTEBOOKS, bundle: bool = True, closed: list[str] = (),
            earlier: Path | None = None, build: Path = BUILD, lang: str | None = None) -> list[Path]:
    """Regenerate the release into `dest` and `earlier` (every assignment's model solutions:
    the repository's `convcourse/earlier/` by default), check them, and build the student
    bundle into `build` with the model solutions of the `closed` assignments. The release is
    written to a temporary folder and checked there: `dest` is replaced only by a release
    without leaks. Raises ReleaseError otherwise. The demo passes folders under out/, so
    that it never touches a teaching assistant's release. `lang` is the edition (default: the
    class's, course.toml): the notebooks and the bundle's README are in that language."""
    from . import editions
    from .earlier import PACKAGE, write_package

    closed = check_closed(list(closed))
    try:
        lang = lang or editions.class_language()
        editions.check_language(lang)
    except editions.EditionError as exc:
        raise ReleaseError(str(exc)) from None
    dest = Path(dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="release-", dir=dest.parent) as tmp:
        staged = Path(tmp) / "notebooks"
        try:
            source = editions.sources(lang, Path(tmp) / "sources")
        except editions.EditionError as exc:
            raise ReleaseError(str(exc)) from None
        generate(staged, source=source)
        leaks = find_leaks(staged, source) + student_package_problems()
        if leaks:
            raise ReleaseError("the release leaks solutions or hidden tests:\n  " + "\n  ".join(leaks))
        shutil.rmtree(dest, ignore_errors=True)
        staged.rename(dest)
    write_package(PACKAGE if earlier is None else Path(earlier), assignment_ids())
    if bundle:
        build_bundle(dest, closed, out=build, lang=lang)
    return sorted(dest.rglob("*.ipynb"))
