"""python -m grader {release,autograde,demo}: the teaching assistants' commands."""
import argparse
import sys
import time
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("release", help="regenerate notebooks/ from solutions/, check for leaks, "
                                    "build the student bundle")
    ag = sub.add_parser("autograde", help="grade SUBMITTED_DIR/<student>/<assignment>/*.ipynb")
    ag.add_argument("submitted", type=Path, metavar="SUBMITTED_DIR")
    ag.add_argument("--out", type=Path, required=True, metavar="OUT_DIR")
    demo = sub.add_parser("demo", help="the full teaching-assistant cycle on a built-in demo class")
    demo.add_argument("--out", type=Path, default=Path("out/demo"), metavar="OUT_DIR")
    args = parser.parse_args(argv)

    from .autograde import GraderConfigError, grade, report
    from .release import ReleaseError, release

    start = time.perf_counter()
    try:
        if args.command == "release":
            written = release()
            from .release import BUNDLE_ZIP
            print(f"released {len(written)} notebooks into notebooks/ (no leaks found)")
            print(f"student bundle: {BUNDLE_ZIP}")
        elif args.command == "autograde":
            result = grade(args.submitted, args.out)
            print(report(result))
        else:
            from .demo import run_demo
            run_demo(args.out)
    except (GraderConfigError, ReleaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
