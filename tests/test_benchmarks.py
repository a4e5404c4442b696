"""The benchmark scripts run and print what they promise (their numbers are measured,
not judged, here: see each script's docstring)."""
import re
import subprocess
import sys

import pytest

from grader.course import REPO

pytestmark = pytest.mark.slow  # each runs a benchmark script in its own process


def test_conv_speed_prints_its_ratios():
    proc = subprocess.run([sys.executable, "benchmarks/conv_speed.py", "--repeat", "1"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"conv2d_fast vs naive loops: \d+x faster", proc.stdout)
    assert re.search(r"conv2d_fast / torch float64: [\d.]+x PyTorch's time", proc.stdout)


def test_watch_overhead_prints_its_ratios():
    proc = subprocess.run([sys.executable, "benchmarks/watch_overhead.py", "--repeat", "1"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^conv2d_fast\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+$", proc.stdout, re.M)
    assert re.search(r"^all\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+$", proc.stdout, re.M)
