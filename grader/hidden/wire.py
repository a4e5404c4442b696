"""Hidden cases across the sandbox boundary, as data only (JSON and .npz, no pickle).

`write_cases` puts every case's inputs where the sandbox's harness reads them;
`read_outcomes` parses what the harness wrote back into Outcomes for `judge`. What
comes back is untrusted: files must be regular, small, and of the expected form, or
the cases count as not run.
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import numpy as np

from .core import REGISTRY, Outcome

MAX_JSON_BYTES = 2 * 2**20
MAX_NPZ_BYTES = 256 * 2**20


def _encode(value, arrays: dict) -> object:
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"array": key}
    if hasattr(value, "to_wire"):
        return value.to_wire()
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot send {type(value).__name__} to the sandbox")


def write_cases(folder: Path) -> None:
    """One <name>.json and <name>.npz per graded function in the registry."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, spec in REGISTRY.items():
        arrays: dict = {}
        cases = [{"args": [_encode(a, arrays) for a in case.args],
                  "kwargs": {k: _encode(v, arrays) for k, v in case.kwargs.items()}}
                 for case in spec.cases()]
        (folder / f"{name}.json").write_text(json.dumps({"name": name, "cases": cases}))
        np.savez(folder / f"{name}.npz", **arrays)


def _regular(path: Path, max_bytes: int) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size <= max_bytes


def read_outcomes(results: Path, name: str) -> list[Outcome] | None:
    """The outcomes the harness recorded for `name`, or None if there are none usable."""
    meta_path, npz_path = results / f"{name}.json", results / f"{name}.npz"
    if not (_regular(meta_path, MAX_JSON_BYTES) and _regular(npz_path, MAX_NPZ_BYTES)):
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        records = meta["records"]
        with np.load(npz_path, allow_pickle=False) as npz:
            arrays = {key: np.array(npz[key], dtype=np.float64) for key in npz.files}
    except Exception:  # noqa: BLE001 - malformed results: the cases did not run
        return None
    if not isinstance(records, list):
        return None
    outcomes = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            return None
        raised = rec.get("raised")
        outcomes.append(Outcome(
            raised=str(raised)[:60] if raised is not None else None,
            value=arrays.get(f"case{i}"),
            type_name=f"a {str(rec.get('type', 'value'))[:40]}",
            modified=bool(rec.get("modified", False)),
            calls=int(rec.get("calls", 0)) if isinstance(rec.get("calls", 0), int) else 10**9,
        ))
    return outcomes
