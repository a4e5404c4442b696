"""A readable table of a network's layers (notebook 06 onwards), in the style of
Keras's `model.summary()` and torchinfo. It only formats rows that the notebook's own
`model_summary` computed: it counts nothing itself."""
from __future__ import annotations

__all__ = ["format_summary", "print_summary"]


def format_summary(rows, input_shape) -> str:
    """The table as a string.

    rows : list of dicts with "type", "output_shape" (tuple) and "params" (int), one
        per layer, as model_summary returns them.
    input_shape : (C, H, W) of the input.
    """
    lines = [("layer", "output shape", "parameters"), ("input", str(tuple(input_shape)), "")]
    for i, row in enumerate(rows, 1):
        lines.append((f"{i:>2} {row['type']}", str(tuple(row["output_shape"])), f"{row['params']:,}"))
    total = sum(row["params"] for row in rows)
    widths = [max(len(line[k]) for line in lines) for k in range(3)]
    rule = "-" * (sum(widths) + 6)
    out = [rule]
    for k, (a, b, c) in enumerate(lines):
        out.append(f"{a:<{widths[0]}}   {b:<{widths[1]}}   {c:>{widths[2]}}")
        if k == 0:
            out.append(rule)
    out += [rule, f"total parameters: {total:,}", rule]
    return "\n".join(out)


def print_summary(rows, input_shape) -> None:
    """Print format_summary(rows, input_shape)."""
    print(format_summary(rows, input_shape))
