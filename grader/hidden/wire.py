"""Hidden cases across the sandbox boundary, as data only (JSON and .npz, no pickle).

`write_cases` writes every case's inputs, once per batch; `cases_for` packs those of one
notebook's functions for the sandbox, which hands them to the harness alone (through the
runner's standard input: grader/inkernel/runner.py);
`outcomes_from_payload` parses what the harness published in a test cell's outputs
into Outcomes for `judge`. What comes back is untrusted: it must be small and of the
expected form, or the cases count as not run.
"""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import numpy as np

from ..inkernel.protocol import MIME
from .core import REGISTRY, Outcome, outcome_from_record

MAX_NPZ_BYTES = 256 * 2**20


def _encode(value, arrays: dict) -> object:
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"array": key}
    if hasattr(value, "to_wire"):
        return value.to_wire()
    if isinstance(value, tuple):  # a (h, w) pair stays a tuple on the other side
        return {"tuple": [_encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return {"list": [_encode(v, arrays) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):  # e.g. a layer of model_summary
        return {"dict": {k: _encode(v, arrays) for k, v in value.items()}}
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
        (folder / f"{name}.json").write_text(json.dumps({"name": name, "cases": cases, "adapt": spec.adapt,
                                                               "count_lines": spec.max_lines is not None}))
        np.savez(folder / f"{name}.npz", **arrays)


def cases_for(folder: Path, names) -> bytes:
    """The inputs of the hidden cases of `names`, as the harness reads them:
    {name: {"spec": ..., "npz": base64}} in JSON."""
    packed = {}
    for name in names:
        spec, npz = folder / f"{name}.json", folder / f"{name}.npz"
        if spec.exists() and npz.exists():
            packed[name] = {"spec": json.loads(spec.read_text()),
                            "npz": base64.b64encode(npz.read_bytes()).decode()}
    return json.dumps(packed).encode()


def result_payloads(outputs: list) -> dict[str, list]:
    """{function name: [payload, ...]} from a cell's outputs."""
    found: dict[str, list] = {}
    for output in outputs:
        payload = output.get("data", {}).get(MIME) if isinstance(output, dict) else None
        if isinstance(payload, dict) and isinstance(payload.get("name"), str):
            found.setdefault(payload["name"], []).append(payload)
    return found


def outcomes_from_payload(payload: dict) -> list[Outcome] | None:
    """Parse one harvest payload (untrusted) into Outcomes, or None if malformed."""
    try:
        npz_bytes = base64.b64decode(payload["npz"], validate=True)
        if len(npz_bytes) > MAX_NPZ_BYTES:
            return None
        records = payload["records"]
        with np.load(io.BytesIO(npz_bytes), allow_pickle=False) as npz:
            arrays = {key: np.array(npz[key], dtype=np.float64) for key in npz.files}
    except Exception:  # noqa: BLE001 - malformed results: the cases did not run
        return None
    if not isinstance(records, list):
        return None
    outcomes = [outcome_from_record(rec, arrays.get(f"case{i}")) for i, rec in enumerate(records)]
    return None if None in outcomes else outcomes
