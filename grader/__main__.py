"""python -m grader {release,autograde,demo,hub}: the teaching assistants' commands."""
import argparse
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    # before anything imports nbformat: saves ~2.7 s per grader process (grader/patches.py)
    from grader.patches import skip_uri_grammar
    skip_uri_grammar()


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["hub"]:   # the multi-user course has options of its own (grader/hub.py)
        from .hub import main as hub_main
        return hub_main(argv[1:])
    from .sandbox import Limits

    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser("release", help="regenerate notebooks/ from solutions/, check for leaks, "
                                         "build the student bundle")
    rel.add_argument("--closed", nargs="*", default=[], metavar="ASSIGNMENT_ID",
                     help="assignments past their deadline: the bundle's convcourse.earlier gets "
                          "their model solutions, which later notebooks import (default: none)")
    rel.add_argument("--lang", choices=["en", "ko"], default=None,
                     help="the edition: English or Korean (default: the class's, course.toml)")
    ag = sub.add_parser("autograde", help="grade SUBMITTED_DIR/<student>/<assignment>/*.ipynb")
    ag.add_argument("submitted", type=Path, metavar="SUBMITTED_DIR")
    ag.add_argument("--out", type=Path, required=True, metavar="OUT_DIR",
                    help="where autograded/, feedback/, grades.csv and problems.csv go; may be the "
                         "course folder whose submitted/ SUBMITTED_DIR is")
    ag.add_argument("--db", metavar="URL", default=None,
                    help="the gradebook, kept all term (nbgrader's db_url: sqlite:///PATH or "
                         "postgresql+psycopg2://USER:PASSWORD@HOST/DB; default: OUT_DIR/gradebook.db)")
    ag.add_argument("--student", action="append", metavar="ID", dest="students",
                    help="grade only this student's submissions (repeatable); the others' grades stay")
    ag.add_argument("--assignment", action="append", metavar="ID", dest="assignments",
                    help="grade only this assignment (repeatable)")
    ag.add_argument("--jobs", type=int, default=None, metavar="N",
                    help="submissions graded at once (default: twice the number of cores)")
    ag.add_argument("--scheduler", metavar="ADDRESS", default=None,
                    help="run the notebooks on the workers of this Dask scheduler (tcp://HOST:8786); each "
                         "worker needs bubblewrap, root and the course at this path, started from its venv "
                         "(docs/grading-at-scale.md)")
    ag.add_argument("--cell-timeout", type=int, default=Limits.cell_seconds, metavar="S",
                    help="seconds of CPU time one cell may compute (default %(default)s; a cell that waits is "
                         "stopped at 4 times this by the clock)")
    ag.add_argument("--notebook-timeout", type=int, default=Limits.notebook_seconds, metavar="S",
                    help="seconds of CPU time one notebook may compute (default %(default)s; 4 times this by "
                         "the clock)")
    ag.add_argument("--memory-mb", type=int, default=Limits.memory_bytes // 2**20, metavar="MB",
                    help="memory one sandboxed process may use (default %(default)s)")
    ag.add_argument("--disk-mb", type=int, default=Limits.disk_bytes // 2**20, metavar="MB",
                    help="disk space of one notebook's working area, /tmp included, held in memory "
                         "(default %(default)s)")
    sub.add_parser("hub", help="the course for many users on this machine: JupyterHub, the exchange, "
                               "formgrader (python -m grader hub --help)")
    svc = sub.add_parser("sandbox-service", help="run notebooks in the sandbox for formgrader and `nbgrader "
                                                 "autograde` in a Jupyter server that is not root (the hub's)")
    svc.add_argument("--socket", type=Path, required=True, metavar="PATH")
    svc.add_argument("--group", required=True, metavar="GROUP", help="the Linux group allowed to connect")
    tr = sub.add_parser("translations", help="check the other language editions against the English source "
                                             "(translations/LANG/*.txt), or start a catalogue")
    tr.add_argument("--lang", default="ko", help="the edition (default %(default)s)")
    tr.add_argument("--assignment", metavar="ID", default=None, help="only this assignment")
    tr.add_argument("--skeleton", action="store_true",
                    help="rewrite the catalogue(s) with every cell to translate: what is translated stays, "
                         "the rest is written in English for the translator to replace")
    demo = sub.add_parser("demo", help="the full teaching-assistant cycle on a built-in demo class")
    demo.add_argument("--out", type=Path, default=Path("out/demo"), metavar="OUT_DIR")
    args = parser.parse_args(argv)

    if args.command == "translations":
        return translations(args.lang, args.assignment, args.skeleton)
    from .autograde import GraderConfigError, grade, report
    from .course import tools_on_path
    from .release import ReleaseError, release

    tools_on_path()

    start = time.perf_counter()
    try:
        if args.command == "release":
            from .editions import class_language
            lang = args.lang or class_language()
            written = release(closed=args.closed, lang=lang)
            from .release import BUNDLE_ZIP
            print(f"released {len(written)} notebooks ({'English' if lang == 'en' else 'Korean'} edition) "
                  f"into notebooks/ (no leaks found)")
            print(f"student bundle: {BUNDLE_ZIP} (convcourse.earlier: "
                  f"{', '.join(args.closed) if args.closed else 'no assignment closed yet'})")
            from .course import assignment_ids
            from .earlier import graded_modules, needs
            modules = graded_modules()
            for aid in assignment_ids():
                missing = [other for other in needs(aid, modules) if other not in args.closed]
                if missing:
                    print(f"  {aid} cannot run in this bundle until these are closed: {', '.join(missing)}")
        elif args.command == "autograde":
            limits = Limits(memory_bytes=args.memory_mb * 2**20, cell_seconds=args.cell_timeout,
                            notebook_seconds=args.notebook_timeout, disk_bytes=args.disk_mb * 2**20)
            result = grade(args.submitted, args.out, jobs=args.jobs, limits=limits, db_url=args.db,
                           students=args.students, assignments=args.assignments, scheduler=args.scheduler,
                           progress=True)
            print(report(result))
        elif args.command == "sandbox-service":
            from .sandbox import SandboxUnavailable
            from .sandbox_service import serve
            try:
                serve(args.socket, args.group)
            except SandboxUnavailable as exc:
                raise GraderConfigError(str(exc)) from None
        else:
            from .demo import run_demo
            run_demo(args.out)
    except (GraderConfigError, ReleaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


def translations(lang: str, assignment: str | None, skeleton: bool) -> int:
    from . import editions
    from .course import assignment_ids

    try:
        editions.check_language(lang)
        if assignment is not None and assignment not in assignment_ids():
            raise editions.EditionError(f"no assignment {assignment!r} (assignments: {', '.join(assignment_ids())})")
        for aid in [assignment] if assignment else assignment_ids():
            if skeleton:
                path = editions.catalogue_path(lang, aid)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(editions.skeleton(lang, aid), encoding="utf-8")
                print(f"wrote {path}")
            found = editions.problems(lang, aid)
            print(f"{aid}: {'in step' if not found else f'{len(found)} problems'}")
            for problem in found:
                print(f"  {problem}")
    except editions.EditionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
