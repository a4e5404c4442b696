"""Convolution speed: conv2d_fast against naive loops and PyTorch's CPU conv2d, in one run.

The layer of notebook 09 and issue 6: x (8, 16, 32, 32), w (32, 16, 3, 3), a bias,
padding 1, float64. Timed, each as the best of several rounds (the least disturbed):

* naive loops: notebook 09's `conv2d_naive` (a Python loop over every output value),
  read from the solution notebook so that it is exactly the code students time;
* conv2d (04): notebook 04's model solution, a loop over output positions;
* im2col + matmul: notebook 09's model `im2col` and one matrix product;
* conv2d_fast: notebook 09's model solution;
* torch: `torch.nn.functional.conv2d` on the same float64 tensors, with its default
  threads (skipped if PyTorch is not installed); float32 is printed for information.

Every method's output is checked against the others before anything is timed. Printed:
milliseconds per call and the ratios the issue sets targets for (conv2d_fast at least
100x faster than the naive loops, at most 1.5x PyTorch's time). Exit status 0 whether or
not the targets are met: it measures, it does not judge.

    .venv/bin/python benchmarks/conv_speed.py [--repeat 7]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from convcourse.earlier import conv2d, conv2d_fast, im2col  # noqa: E402
from convcourse.timing import best_time  # noqa: E402
from grader.earlier import notebook_function  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds per method (best is kept)")
    args = parser.parse_args(argv)

    namespace = {"np": np}
    exec(notebook_function("09_fast_convolution", "conv2d_naive"), namespace)  # noqa: S102 - our notebook
    conv2d_naive = namespace["conv2d_naive"]

    def im2col_matmul(x, w, b, padding):
        n, _, h, wd = x.shape
        o, _, kh, kw = w.shape
        oh, ow = h + 2 * padding - kh + 1, wd + 2 * padding - kw + 1
        out = (im2col(x, kh, kw, padding=padding) @ w.reshape(o, -1).T).reshape(n, oh, ow, o)
        return out.transpose(0, 3, 1, 2) + b[None, :, None, None]

    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 16, 32, 32))
    w = rng.normal(size=(32, 16, 3, 3))
    b = rng.normal(size=32)
    methods = {"naive loops (09)": lambda: conv2d_naive(x, w, b, padding=1),
               "conv2d, loop over positions (04)": lambda: conv2d(x, w, b, padding=1),
               "im2col + matmul (09)": lambda: im2col_matmul(x, w, b, 1),
               "conv2d_fast (09)": lambda: conv2d_fast(x, w, b, padding=1)}
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        torch = None
    if torch is not None:
        xt, wt, bt = (torch.from_numpy(a) for a in (x, w, b))
        x32, w32, b32 = (a.float() for a in (xt, wt, bt))
        methods["torch conv2d, float64"] = lambda: F.conv2d(xt, wt, bt, padding=1).numpy()
        methods["torch conv2d, float32 (information)"] = lambda: F.conv2d(x32, w32, b32, padding=1).numpy()

    expected = methods["conv2d_fast (09)"]()
    for name, method in methods.items():
        tol = 1e-3 if "float32" in name else 1e-9
        if not np.allclose(method(), expected, rtol=tol, atol=tol):
            print(f"error: {name} computes something else", file=sys.stderr)
            return 1

    print(f"x {x.shape}, w {w.shape}, padding 1, float64; {os.cpu_count()} cores"
          + (f"; torch {torch.__version__}, {torch.get_num_threads()} threads" if torch else "; torch not installed"))
    times = {}
    for name, method in methods.items():
        slow = name.startswith("naive")
        times[name] = best_time(method, repeat=1 if slow else args.repeat, min_seconds=0 if slow else 0.05)
        print(f"  {name:38s} {times[name] * 1e3:10.2f} ms")
    fast = times["conv2d_fast (09)"]
    naive_ratio = times["naive loops (09)"] / fast
    print(f"conv2d_fast vs naive loops: {naive_ratio:.0f}x faster (target: at least 100x)")
    print(f"conv2d_fast vs conv2d (04): {times['conv2d, loop over positions (04)'] / fast:.1f}x faster")
    if torch is not None:
        torch_ratio = fast / times["torch conv2d, float64"]
        print(f"conv2d_fast / torch float64: {torch_ratio:.2f}x PyTorch's time (target: at most 1.5x)")
        print(f"conv2d_fast / torch float32: {fast / times['torch conv2d, float32 (information)']:.2f}x "
              "(information: the course computes in float64)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
