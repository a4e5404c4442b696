"""What watching graded calls costs: every hidden case of every graded function, run by
its model solution plain and under the watch (grader/inkernel/watch.py), in one run.

The watch is a profile hook that sees every Python function and built-in a graded call
makes. Printed per function: milliseconds for all its hidden cases, plain and watched
(each the best of several rounds), and their ratio; then the totals. The capstone's
`predict` is left out (its cases need the network its notebook trains). Exit status 0
whatever the ratios: it measures, it does not judge.

    .venv/bin/python benchmarks/watch_overhead.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.course import assignment_ids  # noqa: E402
from grader.hidden import REGISTRY  # noqa: E402
from grader.inkernel.watch import Watch  # noqa: E402
from grader.course import checked_functions, solution_functions  # noqa: E402


def run_all(func, cases, watched: bool) -> float:
    start = time.perf_counter()
    for case in cases:
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        try:
            if watched:
                Watch(count_lines=False).call(func, args, kwargs)
            else:
                func(*args, **kwargs)
        except Exception:  # noqa: BLE001 - the error cases raise on purpose
            pass
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds per function (best is kept)")
    args = parser.parse_args(argv)
    rows, plain_total, watched_total = [], 0.0, 0.0
    for aid in assignment_ids():
        namespace = solution_functions(aid)
        for name in checked_functions(aid):
            if REGISTRY[name].is_classifier:
                continue
            cases = REGISTRY[name].cases()
            plain = min(run_all(namespace[name], cases, False) for _ in range(args.repeat))
            watched = min(run_all(namespace[name], cases, True) for _ in range(args.repeat))
            plain_total, watched_total = plain_total + plain, watched_total + watched
            rows.append((name, len(cases), plain, watched))
    print(f"{'function':24} {'cases':>5} {'plain ms':>9} {'watched ms':>10} {'ratio':>6}")
    for name, n, plain, watched in rows:
        print(f"{name:24} {n:5d} {plain * 1e3:9.1f} {watched * 1e3:10.1f} {watched / plain:6.2f}")
    print(f"{'all':24} {sum(r[1] for r in rows):5d} {plain_total * 1e3:9.1f} {watched_total * 1e3:10.1f} "
          f"{watched_total / plain_total:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
