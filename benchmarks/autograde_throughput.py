"""Autograding throughput: `python -m grader autograde` against plain sequential nbgrader.

What it measures, in one run on the same synthetic class:

* OURS: wall time of `python -m grader autograde SUBMITTED --out OUT --jobs J` as a
  subprocess from the repository root, once per J of `--jobs` (several values: the curve of
  throughput against J). That one command also prepares the assignments, writes feedback
  HTML and exports grades.csv; all of that is inside its time.
* BASELINE: what a TA does with plain nbgrader: in a temporary course folder with a
  minimal nbgrader_config.py (source/ copied from solutions/, Execute.timeout = 60),
  `nbgrader generate_assignment <aid> --force` then `nbgrader autograde <aid> --force`
  (all students of the assignment, sequentially), then `nbgrader generate_feedback <aid>
  --force`, one assignment after the other. Two ratios are printed: against the
  autograde calls alone, and against autograde + feedback (the same work ours does);
  generate_assignment is reported apart.
  Each nbgrader process pays its ~4 s start-up: that is part of the baseline by design.
  Its notebooks run as a TA's would: matplotlib's inline backend (no MPLBACKEND), every
  figure drawn, as ours are (grader/sandbox.py draws them at 72 dpi instead of 100).

The class: N students x every assignment, nbgrader's layout
SUBMITTED/<student>/<assignment>/<notebook>.ipynb, mixed deterministically so that about
a third is correct, a third wrong (a mutant from grader.mutants appended to the cell that
defines its function, rotating through the assignment's mutants) and a third blank.
Printed: notebooks graded, wall seconds and notebooks per minute for each side, the
speed-up, score totals per category (correct/wrong/blank) of every run side by side, and
whether every run gave every submission the same score (grades.csv compared row by row).

Run from the repository root, with the venv first on PATH (nbgrader calls alembic):

    PATH=$PWD/.venv/bin:$PATH python benchmarks/autograde_throughput.py --students 3
    ... [--students 60] [--jobs J [J ...]] [--rounds N] [--keep DIR] [--skip-baseline]

The machine's speed drifts (the same batch took 67 to 88 s in five runs on one machine), so
one run's ratio is good to about 10%: `--rounds N` runs every side N times, alternating,
takes each ratio within a round and prints the median of the rounds and each round's.

    e.g. the --jobs curve alone: ... --students 3 --jobs 1 2 4 8 --skip-baseline
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader import course, submissions  # noqa: E402
from grader.course import SOLUTIONS, assignment_ids, notebook_names  # noqa: E402
from grader.mutants import MUTANTS  # noqa: E402

CATEGORIES = ("correct", "wrong", "blank")
MARKER = ".autograde_throughput"
BASELINE_CONFIG = 'c = get_config()  # noqa: F821\nc.CourseDirectory.source_directory = "source"\nc.Execute.timeout = 60\n'


def build_class(root: Path, n_students: int) -> dict[tuple[str, str], str]:
    """Write the class into root/<student>/<aid>/; return (student, aid) -> category."""
    who, rotation = {}, defaultdict(int)
    for i in range(n_students):
        student = f"s{i:03d}"
        for j, aid in enumerate(assignment_ids()):
            category = CATEGORIES[(i + j) % 3]
            extra_for = {}
            if category == "wrong":
                mutants = [m for m in MUTANTS if m.assignment == aid]
                m = mutants[rotation[aid] % len(mutants)]
                rotation[aid] += 1
                for name in notebook_names(aid):
                    try:
                        extra_for[name] = {course.cell_defining(aid, m.function, name): m.source}
                    except KeyError:
                        continue
            for name in notebook_names(aid):
                nb = submissions.filled(aid, name, solved=category != "blank", extra=extra_for.get(name))
                submissions.write(nb, root / student / aid / f"{name}.ipynb")
            who[(student, aid)] = category
    return who


def run(cmd: list[str], cwd: Path, env: dict) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        print(f"warning: {' '.join(cmd)} exited {proc.returncode}:\n{tail}", file=sys.stderr)
    return elapsed, proc


def scores(grades_csv: Path) -> dict[tuple[str, str], str]:
    """(student, assignment) -> score, as nbgrader's CSV export writes it."""
    if not grades_csv.is_file():
        return {}
    with open(grades_csv, newline="") as fh:
        return {(row["student_id"], row["assignment"]): row["score"] for row in csv.DictReader(fh)}


def totals(grades_csv: Path, who: dict) -> dict[str, tuple[float, float, int]]:
    """category -> (sum of score, sum of max_score, rows) from an nbgrader CSV export."""
    out = {c: [0.0, 0.0, 0] for c in CATEGORIES}
    if grades_csv.is_file():
        with open(grades_csv, newline="") as fh:
            for row in csv.DictReader(fh):
                category = who.get((row["student_id"], row["assignment"]))
                if category:
                    t = out[category]
                    t[0] += float(row["score"] or 0)
                    t[1] += float(row["max_score"] or 0)
                    t[2] += 1
    return {c: tuple(t) for c, t in out.items()}


def memory_used() -> int:
    """Bytes of memory in use on the machine (MemTotal - MemAvailable): the sandboxes'
    tmpfs working areas count, as they hold memory."""
    info = {}
    with open("/proc/meminfo") as fh:
        for line in fh:
            key, value = line.split(":", 1)
            info[key] = int(value.split()[0]) * 1024
    return info["MemTotal"] - info["MemAvailable"]


class PeakMemory:
    """The most memory in use, above what was in use at the start, sampled every 0.2 s."""

    def __enter__(self):
        import threading

        self.start, self.peak, self._stop = memory_used(), 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, memory_used() - self.start)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run_ours(submitted: Path, out: Path, jobs: int, env: dict) -> tuple[float, str]:
    """Time our command; return (seconds, label). --jobs only if the command offers it."""
    py = [sys.executable, "-m", "grader", "autograde"]
    helptext = subprocess.run(py + ["--help"], cwd=REPO, env=env, capture_output=True, text=True).stdout
    cmd, label = py + [str(submitted), "--out", str(out)], f"ours (--jobs {jobs})"
    if "--jobs" in helptext:
        cmd += ["--jobs", str(jobs)]
    else:
        label = "ours (no --jobs yet)"
        print("note: `python -m grader autograde` has no --jobs option yet; ran without it")
    print(f"ours: {' '.join(cmd)}", flush=True)
    with PeakMemory() as memory:
        secs, proc = run(cmd, REPO, env)
    print(f"  {secs:.1f} s; peak memory {memory.peak / 2**30:.2f} GB above the start "
          f"({memory.peak / 2**20 / jobs:.0f} MB per job)", flush=True)
    if not (out / "grades.csv").is_file():
        print("ours wrote no grades.csv; its output ends:\n" + "\n".join(
            (proc.stdout + proc.stderr).strip().splitlines()[-15:]), file=sys.stderr)
    return secs, label


def run_baseline(submitted: Path, course: Path, env: dict) -> tuple[float, float, float]:
    """Plain nbgrader in a fresh course folder; return (generate, autograde, feedback) seconds."""
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(BASELINE_CONFIG)
    shutil.copytree(submitted, course / "submitted")
    gen = auto = feedback = 0.0
    for aid in assignment_ids():
        shutil.copytree(SOLUTIONS / aid, course / "source" / aid,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        print(f"baseline: nbgrader generate_assignment {aid} --force; nbgrader autograde {aid} --force",
              flush=True)
        gen += run(["nbgrader", "generate_assignment", aid, "--force"], course, env)[0]
        auto += run(["nbgrader", "autograde", aid, "--force"], course, env)[0]
        feedback += run(["nbgrader", "generate_feedback", aid, "--force"], course, env)[0]
    run(["nbgrader", "export", "--to", "grades.csv"], course, env)
    return gen, auto, feedback


def prepare(keep: str | None) -> Path:
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="autograde-throughput-"))
    work = Path(keep).resolve()
    if work.exists() and any(work.iterdir()) and not (work / MARKER).exists():
        sys.exit(f"error: {work} is not empty and was not made by this benchmark")
    for path in [work / "submitted", work / "ours", work / "baseline", *work.glob("ours-jobs*"),
                 *work.glob("round*")]:
        shutil.rmtree(path, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    (work / MARKER).touch()
    return work


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--jobs", type=int, nargs="+", default=[2 * (os.cpu_count() or 1)],
                        help="one run of ours per value (default: the grader's, twice the number of cores)")
    parser.add_argument("--keep", metavar="DIR", help="keep the class and outputs in DIR")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every side this many times, alternating (ours, baseline, ours, ...): the "
                             "machine's speed drifts, so each ratio is taken within a round and the median "
                             "of the rounds is printed")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # figures drawn, as a TA's run draws them
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    work = prepare(args.keep)
    try:
        who = build_class(work / "submitted", args.students)
        n_notebooks = sum(len(notebook_names(aid)) for _, aid in who)
        print(f"class: {args.students} students x {len(assignment_ids())} assignments = "
              f"{n_notebooks} notebooks in {work / 'submitted'}; {os.cpu_count()} cores", flush=True)

        def named(label: str, r: int) -> str:
            return label if args.rounds == 1 else f"{label} #{r + 1}"

        rows = []  # (label, seconds, totals, grades.csv, name), every round's; name: the label and round
        gen_s, base_s, feedback_s = [], [], []  # the baseline's, per round
        for r in range(args.rounds):
            where = work if args.rounds == 1 else work / f"round{r + 1}"
            if args.rounds > 1:
                print(f"round {r + 1} of {args.rounds}", flush=True)
            for jobs in args.jobs:
                out = where / ("ours" if len(args.jobs) == 1 else f"ours-jobs{jobs}")
                secs, label = run_ours(work / "submitted", out, jobs, env)
                rows.append((label, secs, totals(out / "grades.csv", who), out / "grades.csv", named(label, r)))
            if not args.skip_baseline:
                gen, base, feedback = run_baseline(work / "submitted", where / "baseline", env)
                gen_s.append(gen)
                base_s.append(base)
                feedback_s.append(feedback)
                rows.append(("baseline (nbgrader)", base, totals(where / "baseline" / "grades.csv", who),
                             where / "baseline" / "grades.csv", named("baseline (nbgrader)", r)))
        labels = list(dict.fromkeys(label for label, *_ in rows))
        times = {label: [secs for lab, secs, *_ in rows if lab == label] for label in labels}
        median = {label: statistics.median(t) for label, t in times.items()}
        ours = [label for label in labels if label.startswith("ours")]

        one_job = median.get("ours (--jobs 1)")
        rounds = f" (median of {args.rounds} rounds)" if args.rounds > 1 else ""
        print(f"\n{'':24}{'notebooks':>10}{'wall s':>10}{'nb/min':>10}" + ("   vs --jobs 1" if one_job else "")
              + rounds)
        for label in labels:
            secs = median[label]
            versus = f"{one_job / secs:12.2f}x" if one_job and label.startswith("ours") else ""
            print(f"{label:24}{n_notebooks:>10}{secs:>10.1f}{n_notebooks / secs * 60:>10.1f}{versus}")
        if not args.skip_baseline:
            full_s = [b + f for b, f in zip(base_s, feedback_s)]
            full = statistics.median(full_s)
            print(f"{'baseline + feedback':24}{n_notebooks:>10}{full:>10.1f}{n_notebooks / full * 60:>10.1f}")
            print(f"(baseline generate_assignment, not in its time: {statistics.median(gen_s):.1f} s; ours "
                  "includes preparing the assignments, feedback and export)")

            def ratio(against, label):
                each = [a / o for a, o in zip(against, times[label])]  # within each round
                text = f"{statistics.median(each):.2f}x"
                return text + (f" (rounds: {', '.join(f'{x:.2f}x' for x in each)})" if len(each) > 1 else "")
            for label in ours:
                print(f"speed-up of {label} vs nbgrader autograde:             {ratio(base_s, label)} on "
                      f"{os.cpu_count()} cores")
                print(f"speed-up of {label} vs nbgrader autograde + feedback:  {ratio(full_s, label)} "
                      "(the same work as ours)")

        short = {name: name.replace("ours ", "").replace(" (nbgrader)", "").replace("(", "").replace(")", "")
                 for *_, name in rows}
        print(f"\nscore totals{'':8}" + "".join(f"{short[name]:>18}" for *_, name in rows))
        for c in CATEGORIES:
            line = f"{c:8}{sum(v == c for v in who.values()):>4} subm.  "
            for _, _, t, *_ in rows:
                score, top, n = t[c]
                line += f"{f'{score:g}/{top:g} ({n})':>18}"
            print(line)
        print("(score/max summed over grades.csv rows; (n) = rows found)")
        first = scores(rows[0][3])
        for _, _, _, path, name in rows[1:]:
            differ = sorted(k for k in set(first) | set(scores(path)) if first.get(k) != scores(path).get(k))
            print(f"same score for every submission as {rows[0][4]}: {name}: "
                  + ("yes" if not differ else f"NO, {len(differ)} differ: {differ[:5]}"))
        for _, _, t, _, name in rows:
            found = sum(n for _, _, n in t.values())
            if found != len(who):
                print(f"WARNING: {name}: grades.csv has {found} of {len(who)} rows; its time is not "
                      "that of a complete grading (see its output above, or --keep)", file=sys.stderr)
        if args.keep:
            print(f"\nkept in {work}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
