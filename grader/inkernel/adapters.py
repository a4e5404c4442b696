"""Results that are not arrays, turned into numbers the same way on both sides of the
sandbox: by the harness inside it and by the grader's reference outside."""
import numpy as np


def summary_rows(rows):
    """model_summary's result, a list with one dict per layer, -> an (L, 5) float array:
    each layer's params, then its output shape padded with -1 to four entries.
    Raises ValueError if `rows` is not such a list (output_shape a tuple of ints,
    params an int)."""
    if not isinstance(rows, list):
        raise ValueError("not a list")
    out = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("output_shape"), tuple):
            raise ValueError("not a layer dict")
        shape, params = row["output_shape"], row.get("params")
        if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (*shape, params)) \
                or not 1 <= len(shape) <= 4:
            raise ValueError("not integers")
        out.append([int(params), *(int(v) for v in shape), *[-1] * (4 - len(shape))])
    return np.array(out, dtype=np.float64).reshape(-1, 5)


ADAPTERS = {"summary_rows": summary_rows}
