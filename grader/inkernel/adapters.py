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


def pack_parts(value):
    """A tuple of arrays and Nones (conv2d_backward's (dx, dw, db), softmax_cross_entropy's
    (loss, dlogits)) -> one 1-D float array: per part its rank, shape and values, or -1
    for None. Raises ValueError if `value` is not a tuple or list of such parts."""
    if not isinstance(value, (tuple, list)):
        raise ValueError("not a tuple")
    out = []
    for part in value:
        if part is None:
            out.append(np.array([-1.0]))
            continue
        arr = np.array(part, dtype=np.float64, subok=False)
        out.append(np.concatenate([[arr.ndim], arr.shape, arr.ravel()]).astype(np.float64))
    return np.concatenate(out) if out else np.zeros(0)


def unpack_parts(flat):
    """The inverse of pack_parts: a list of arrays and Nones. Raises ValueError if
    `flat` is not a packing."""
    flat = np.asarray(flat, dtype=np.float64).ravel()
    parts, i = [], 0
    while i < len(flat):
        ndim = flat[i]
        if ndim == -1:
            parts.append(None)
            i += 1
            continue
        if not (0 <= ndim <= 8 and ndim == int(ndim)) or i + 1 + int(ndim) > len(flat):
            raise ValueError("not a packing")
        raw_shape = flat[i + 1:i + 1 + int(ndim)]
        if not np.all((raw_shape >= 0) & (raw_shape <= len(flat)) & (raw_shape == np.round(raw_shape))):
            raise ValueError("not a packing")
        shape = tuple(int(v) for v in raw_shape)
        size = int(np.prod(shape))
        start = i + 1 + int(ndim)
        if start + size > len(flat):
            raise ValueError("not a packing")
        parts.append(flat[start:start + size].reshape(shape))
        i = start + size
    return parts


ADAPTERS = {"summary_rows": summary_rows, "parts": pack_parts}
