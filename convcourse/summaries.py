"""A readable table of a network's layers (notebook 06 onwards), in the style of
Keras's `model.summary()` and torchinfo. It only formats rows that the notebook's own
`model_summary` computed: it counts nothing itself."""
from __future__ import annotations

import unicodedata

from .i18n import tr

__all__ = ["format_summary", "print_summary"]


def _width(text: str) -> int:
    """Columns `text` takes in a monospace font: Hangul takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def format_summary(rows, input_shape) -> str:
    """The table as a string.

    rows : list of dicts with "type", "output_shape" (tuple) and "params" (int), one
        per layer, as model_summary returns them.
    input_shape : (C, H, W) of the input.
    """
    lines = [(tr("layer"), tr("output shape"), tr("parameters")), (tr("input"), str(tuple(input_shape)), "")]
    for i, row in enumerate(rows, 1):
        lines.append((f"{i:>2} {row['type']}", str(tuple(row["output_shape"])), f"{row['params']:,}"))
    total = sum(row["params"] for row in rows)
    widths = [max(_width(line[k]) for line in lines) for k in range(3)]
    rule = "-" * (sum(widths) + 6)
    out = [rule]
    for k, (a, b, c) in enumerate(lines):
        out.append(_pad(a, widths[0]) + "   " + _pad(b, widths[1]) + "   " + _pad(c, widths[2], right=True))
        if k == 0:
            out.append(rule)
    out += [rule, tr("total parameters: {total:,}", total=total), rule]
    return "\n".join(out)


def print_summary(rows, input_shape) -> None:
    """Print format_summary(rows, input_shape)."""
    print(format_summary(rows, input_shape))
