"""The gradebook in PostgreSQL (`python -m grader autograde --db URL`): the same class
graded into SQLite (the default) and into a throwaway PostgreSQL server (tests/postgres.py)
gets the same grades, cell by cell; parallel workers grading into a new, empty database
do not race; and without PostgreSQL's binaries the tests fail saying what to install."""
from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pytest

import postgres
from grader import submissions
from grader.course import notebook_names, points
from grader.demo import partly_wrong_extras
from grading import run_grader

# Cheap notebooks (no training, no long gradient checks) of more than one graded function,
# so that a partly wrong one scores between 0 and full marks
ASSIGNMENTS = ["03_channels_and_filters", "04_stride_and_padding", "06_counting_parameters"]


def write_class(sub: Path, students: dict[str, str], assignments: list[str]) -> None:
    """sub/<student>/<assignment>/<notebook>.ipynb for students {id: kind}, where kind is
    right, partly wrong (the demo's one known-wrong function per assignment) or blank."""
    for student, kind in students.items():
        for aid in assignments:
            name = notebook_names(aid)[0]
            nb = {"right": lambda: submissions.filled(aid, name),
                  "partly wrong": lambda: submissions.filled(aid, name, extra=partly_wrong_extras(aid)),
                  "blank": lambda: submissions.filled(aid, name, solved=False)}[kind]()
            submissions.write(nb, sub / student / aid / f"{name}.ipynb")


def autograde(sub: Path, out: Path, *args) -> tuple[float, str]:
    """`python -m grader autograde SUB --out OUT ARGS`: (wall seconds, what it printed)."""
    start = time.monotonic()
    proc = run_grader("autograde", sub, "--out", out, *args, timeout=600)
    seconds = time.monotonic() - start
    assert proc.returncode == 0, (f"autograde {' '.join(map(str, args))} exited {proc.returncode}:\n"
                                  f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return seconds, proc.stdout + proc.stderr


def gradebook_grades(db_url: str) -> dict:
    """{(student, assignment, notebook, grade cell): (auto, manual, extra credit, max,
    needs manual grade)}: every grade the gradebook holds, read through nbgrader's API."""
    from nbgrader.api import Gradebook
    with Gradebook(db_url) as gb:
        return {(sub.student_id, a.name, nb.name, g.name):
                (g.auto_score, g.manual_score, g.extra_credit, g.max_score, g.needs_manual_grade)
                for a in gb.assignments for sub in a.submissions for nb in sub.notebooks for g in nb.grades}


def csv_rows(path: Path, drop: tuple[str, ...] = ()) -> list[dict]:
    with open(path, newline="") as fh:
        return [{k: v for k, v in row.items() if k not in drop} for row in csv.DictReader(fh)]


def check_kinds(rows: list[dict], students: dict[str, str], assignments: list[str]) -> None:
    """One row per student and assignment graded, scored as its kind must be: right full
    marks, blank 0, partly wrong in between (so the class is worth comparing). The export
    also has a row for every assignment a student did not submit: left aside here."""
    got = {(r["student_id"], r["assignment"]): (float(r["score"]), float(r["max_score"]))
           for r in rows if r["assignment"] in assignments}
    assert sorted(got) == sorted((s, a) for s in students for a in assignments)
    for (student, aid), (score, max_score) in got.items():
        assert max_score == points(aid)["total"], (student, aid)
        kind = students[student]
        ok = {"right": score == max_score, "blank": score == 0, "partly wrong": 0 < score < max_score}[kind]
        assert ok, f"{student} ({kind}) scored {score} of {max_score} in {aid}"


def table_names(db_url: str) -> list[str]:
    import sqlalchemy
    engine = sqlalchemy.create_engine(db_url)
    try:
        return sqlalchemy.inspect(engine).get_table_names()
    finally:
        engine.dispose()


# right, partly wrong and blank work, and a second right student so that the workers'
# first tasks hold several students
STUDENTS = {"pg_right": "right", "pg_partly": "partly wrong", "pg_blank": "blank", "pg_right2": "right"}


@pytest.fixture(scope="module")
def two_gradebooks(tmp_path_factory, postgres_server) -> dict:
    """The class graded twice by the real command, 4 jobs each: into SQLite (the default,
    OUT/gradebook.db) and, with --db, into a new, empty PostgreSQL database (no schema)
    whose statements the server logs."""
    root = tmp_path_factory.mktemp("gradebooks")
    write_class(root / "submitted", STUDENTS, ASSIGNMENTS)
    url = postgres_server.new_database(log_statements=True)
    assert table_names(url) == [], "the database is not new"
    lite_seconds, _ = autograde(root / "submitted", root / "sqlite", "--jobs", 4)
    since = postgres_server.log.stat().st_size
    pg_seconds, pg_printed = autograde(root / "submitted", root / "pg", "--db", url, "--jobs", 4)
    postgres.record(f"{len(STUDENTS) * len(ASSIGNMENTS)} notebooks, 4 jobs: graded into SQLite in {lite_seconds:.1f} s, "
                    f"into an empty PostgreSQL database in {pg_seconds:.1f} s")
    return {"sqlite": root / "sqlite", "pg": root / "pg", "url": url, "pg_printed": pg_printed,
            "statements": postgres_server.statements(since)}


@pytest.mark.slow
@pytest.mark.sandbox
def test_postgres_grades_equal_sqlite_grades(two_gradebooks):
    lite_dir, pg_dir = two_gradebooks["sqlite"], two_gradebooks["pg"]
    assert not (pg_dir / "gradebook.db").exists(), "--db was ignored: a SQLite gradebook was written"
    lite = gradebook_grades(f"sqlite:///{lite_dir / 'gradebook.db'}")
    pg = gradebook_grades(two_gradebooks["url"])
    assert {(s, a) for s, a, _, _ in lite} == {(s, a) for s in STUDENTS for a in ASSIGNMENTS}
    assert pg == lite, f"grades that differ: {sorted(k for k in lite.keys() | pg.keys() if lite.get(k) != pg.get(k))}"

    # the export, as the teaching assistant gets it; the submissions' times are the batches' own
    lite_rows = csv_rows(lite_dir / "grades.csv", drop=("timestamp",))
    check_kinds(lite_rows, STUDENTS, ASSIGNMENTS)
    assert csv_rows(pg_dir / "grades.csv", drop=("timestamp",)) == lite_rows
    assert csv_rows(pg_dir / "problems.csv") == csv_rows(lite_dir / "problems.csv")


@pytest.mark.slow
@pytest.mark.sandbox
def test_parallel_workers_fill_an_empty_postgres_database_without_a_race(two_gradebooks):
    races = [line for line in two_gradebooks["pg_printed"].splitlines()
             if re.search(r"IntegrityError|UniqueViolation|duplicate key|deadlock|InvalidEntry", line)]
    assert not races, "the workers raced:\n" + "\n".join(races[:20])
    assert csv_rows(two_gradebooks["pg"] / "problems.csv") == []
    check_kinds(csv_rows(two_gradebooks["pg"] / "grades.csv"), STUDENTS, ASSIGNMENTS)
    graded = {(s, a) for s, a, _, _ in gradebook_grades(two_gradebooks["url"])}
    assert graded == {(s, a) for s in STUDENTS for a in ASSIGNMENTS}

    # A race needs unlucky timing to show above; the order the server ran the statements in
    # does not: the tables and the students exist before any worker writes a submission
    # (nbgrader's Gradebook creates missing tables itself, and four of them at once on an
    # empty database collide on PostgreSQL's catalogue).
    statements = two_gradebooks["statements"]
    first = next((i for i, s in enumerate(statements) if s.startswith("INSERT INTO submitted_assignment")), None)
    assert first is not None, f"the server logged no submission being written ({len(statements)} statements)"
    assert any(s.startswith("CREATE TABLE") for s in statements[:first])
    late = [s[:100] for s in statements[first:] if re.match(r"CREATE TABLE|INSERT INTO student\b", s)]
    assert not late, "written while the workers were writing submissions:\n" + "\n".join(late)


def test_the_session_server_is_our_own_and_each_database_new(postgres_server, postgres_url):
    import sqlalchemy
    first, second = postgres_url, postgres_server.new_database()
    assert first != second and first.startswith("postgresql+psycopg2://")
    engine = sqlalchemy.create_engine(first)  # as nbgrader opens it
    try:
        with engine.connect() as conn:
            served = conn.execute(sqlalchemy.text("SHOW data_directory")).scalar()
    finally:
        engine.dispose()
    assert Path(served) == postgres_server.data
    assert table_names(first) == table_names(second) == []


def test_a_server_is_stopped_and_removed_even_after_a_failure():
    with pytest.raises(RuntimeError, match="a test failed"):
        with postgres.started() as server:
            root, port = server.root, server.port
            assert (server.data / "postmaster.pid").exists()
            raise RuntimeError("a test failed")
    assert not root.exists()
    import psycopg2
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(host="127.0.0.1", port=port, user=postgres.USER, dbname="postgres", connect_timeout=5)


def _fake_install(root: Path, version: str, tools=("initdb", "pg_ctl", "postgres")) -> Path:
    bin_dir = root / version / "bin"
    bin_dir.mkdir(parents=True)
    for tool in tools:
        (bin_dir / tool).write_text("#!/bin/sh\n")
        (bin_dir / tool).chmod(0o755)
    return bin_dir


@pytest.mark.parametrize("layout", ["no folder", "empty folder", "client only", "not executable"])
def test_without_postgres_the_fixture_fails_and_says_what_to_install(tmp_path, layout):
    root = tmp_path / "postgresql"
    if layout != "no folder":
        root.mkdir()
    if layout == "client only":  # Debian's postgresql-client has psql but no server
        _fake_install(root, "15", tools=("psql", "pg_dump"))
    if layout == "not executable":
        for tool in _fake_install(root, "15").iterdir():
            tool.chmod(0o644)
    with pytest.raises(postgres.PostgresMissing) as exc:
        postgres.find_bin_dir(root)
    assert "apt-get install postgresql" in str(exc.value)
    assert str(root) in str(exc.value)


def test_the_newest_server_is_chosen_by_number(tmp_path):
    _fake_install(tmp_path, "9.6")
    newest = _fake_install(tmp_path, "15")
    _fake_install(tmp_path, "13")
    _fake_install(tmp_path, "17", tools=("psql",))  # a client without its server is not a server
    assert postgres.find_bin_dir(tmp_path) == newest
