"""Hidden cases for 06_counting_parameters."""
import numpy as np

from . import reference as ref
from .core import Case, Hint, Spec, register


def _conv_cases(rng):
    rows = [(3, 64, 11, True, 1), (64, 192, 5, True, 1), (48, 128, 5, False, 1), (96, 256, (5, 5), True, 2),
            (192, 384, 3, True, 1), (256, 256, (1, 3), True, 4), (32, 32, 3, False, 32), (16, 48, (3, 1), True, 8),
            (512, 4096, 7, True, 1)]
    cases = [Case((c_in, c_out, k), {"bias": bias, "groups": g},
                  describe=f"c_in={c_in}, c_out={c_out}, kernel {k}, bias={bias}, groups={g}")
             for c_in, c_out, k, bias, g in rows]
    for _ in range(3):
        g = int(rng.choice([1, 2, 4]))
        c_in, c_out = g * int(rng.integers(1, 40)), g * int(rng.integers(1, 40))
        k = (int(rng.integers(1, 8)), int(rng.integers(1, 8)))
        cases.append(Case((c_in, c_out, k), {"bias": bool(rng.integers(2)), "groups": g},
                          describe=f"c_in={c_in}, c_out={c_out}, kernel {k}, groups={g}"))
    cases += [Case((6, 9, 3), {"groups": 4}, describe="groups that divide neither channel count", raises=ValueError),
              Case((8, 6, 3), {"groups": 4}, describe="groups that do not divide c_out", raises=ValueError),
              Case((8, 8, 3), {"groups": 0}, describe="groups=0", raises=ValueError)]
    return cases


register(Spec(
    name="conv_params",
    make_cases=_conv_cases,
    reference=ref.conv_params,
    returns="int",
    hints=[
        Hint(lambda c_in, c_out, k, bias=True, groups=1: ref.conv_params(c_in, c_out, k, False, groups),
             "the biases are missing: one per filter when bias=True"),
        Hint(lambda c_in, c_out, k, bias=True, groups=1: ref.conv_params(c_in, c_out, k, True, groups),
             "biases counted although bias=False"),
        Hint(lambda c_in, c_out, k, bias=True, groups=1: ref.conv_params(c_in, c_out, k, bias, 1),
             "groups ignored: each filter sees only c_in // groups input channels"),
        Hint(lambda c_in, c_out, k, bias=True, groups=1: c_out // groups * (c_in // groups) * int(np.prod(
            ref._pair(k))) + (c_out if bias else 0), "divided by groups twice: there are still c_out filters"),
    ],
    seed=601,
))


def _fc_cases(rng):
    rows = [(9216, 4096, True), (4096, 4096, True), (4096, 1000, True), (25088, 4096, False), (1, 1, True),
            (512, 10, False), (784, 128, True)]
    cases = [Case((n_in, n_out), {"bias": b}, describe=f"n_in={n_in}, n_out={n_out}, bias={b}") for n_in, n_out, b in rows]
    cases += [Case((int(rng.integers(1, 5000)), int(rng.integers(1, 5000))), describe="random sizes, default bias")
              for _ in range(2)]
    return cases


register(Spec(
    name="fc_params",
    make_cases=_fc_cases,
    reference=ref.fc_params,
    returns="int",
    hints=[Hint(lambda n_in, n_out, bias=True: n_in * n_out, "the biases are missing: one per output"),
           Hint(lambda n_in, n_out, bias=True: n_in * n_out + n_out, "biases counted although bias=False"),
           Hint(lambda n_in, n_out, bias=True: (n_in + 1) * n_out + (n_in if bias else 0), "one bias per input")],
    seed=602,
))


def _macs_cases(rng):
    rows = [(3, 96, 11, 55, 1), (48, 128, 5, 27, 1), (96, 256, 5, 27, 2), (256, 384, 3, 13, 1),
            (192, 64, 1, 28, 1), (64, 64, (3, 1), (56, 28), 1), (32, 32, 3, (10, 7), 32), (16, 32, (5, 3), 9, 4)]
    cases = [Case((c_in, c_out, k, o), {"groups": g}, describe=f"c_in={c_in}, c_out={c_out}, kernel {k}, "
                                                              f"output {o}, groups={g}")
             for c_in, c_out, k, o, g in rows]
    cases.append(Case((int(rng.integers(1, 64)), int(rng.integers(1, 64)), 3, int(rng.integers(1, 50))),
                      describe="random channels, default groups"))
    return cases


register(Spec(
    name="conv_macs",
    make_cases=_macs_cases,
    reference=ref.conv_macs,
    returns="int",
    hints=[
        Hint(lambda c_in, c_out, k, o, groups=1: ref.conv_macs(c_in, c_out, k, o, 1),
             "groups ignored: each filter sees only c_in // groups channels"),
        Hint(lambda c_in, c_out, k, o, groups=1: ref.conv_params(c_in, c_out, k, False, groups),
             "these are the weights: multiply by the number of output positions, out_h * out_w"),
        Hint(lambda c_in, c_out, k, o, groups=1: ref.conv_macs(c_in, c_out, k, ref._pair(o)[0], groups),
             "the output is out_h x out_w: a pair (h, w) is not square"),
    ],
    seed=603,
))


def _net(rng):
    """A random small network that fits its input."""
    layers, shape = [], [int(rng.choice([1, 3, 4])), int(rng.integers(16, 40)), int(rng.integers(16, 40))]
    for _ in range(int(rng.integers(1, 4))):
        k = int(rng.choice([1, 3, 5]))
        layer = {"type": "conv", "out_channels": int(rng.integers(2, 17)), "kernel_size": k,
                 "stride": int(rng.choice([1, 2])), "padding": int(rng.integers(0, k // 2 + 1))}
        if rng.random() < 0.3:
            layer["bias"] = False
        layers += [layer, {"type": "relu"}]
        if rng.random() < 0.5:
            layers.append({"type": str(rng.choice(["maxpool", "avgpool"])), "kernel_size": 2})
    if rng.random() < 0.5:
        layers += [{"type": "gap"}, {"type": "fc", "out_features": 10}]
    else:
        layers += [{"type": "flatten"}, {"type": "fc", "out_features": int(rng.integers(5, 40)),
                                         "bias": bool(rng.integers(2))}]
    return layers, tuple(shape)


ALEXNET = [  # torchvision's single-stream AlexNet on (3, 224, 224)
    {"type": "conv", "out_channels": 64, "kernel_size": 11, "stride": 4, "padding": 2}, {"type": "relu"},
    {"type": "maxpool", "kernel_size": 3, "stride": 2},
    {"type": "conv", "out_channels": 192, "kernel_size": 5, "padding": 2}, {"type": "relu"},
    {"type": "maxpool", "kernel_size": 3, "stride": 2},
    {"type": "conv", "out_channels": 384, "kernel_size": 3, "padding": 1}, {"type": "relu"},
    {"type": "conv", "out_channels": 256, "kernel_size": 3, "padding": 1}, {"type": "relu"},
    {"type": "conv", "out_channels": 256, "kernel_size": 3, "padding": 1}, {"type": "relu"},
    {"type": "maxpool", "kernel_size": 3, "stride": 2}, {"type": "flatten"},
    {"type": "fc", "out_features": 4096}, {"type": "relu"}, {"type": "fc", "out_features": 4096}, {"type": "relu"},
    {"type": "fc", "out_features": 1000},
]
ALEXNET_TWO_GPU = [  # the paper's model: groups=2 where each GPU saw only its own half
    {"type": "conv", "out_channels": 96, "kernel_size": 11, "stride": 4}, {"type": "relu"},
    {"type": "maxpool", "kernel_size": 3, "stride": 2},
    {"type": "conv", "out_channels": 256, "kernel_size": 5, "padding": 2, "groups": 2}, {"type": "relu"},
    {"type": "maxpool", "kernel_size": 3, "stride": 2},
    {"type": "conv", "out_channels": 384, "kernel_size": 3, "padding": 1}, {"type": "relu"},
    {"type": "conv", "out_channels": 384, "kernel_size": 3, "padding": 1, "groups": 2}, {"type": "relu"},
    {"type": "conv", "out_channels": 256, "kernel_size": 3, "padding": 1, "groups": 2}, {"type": "relu"},
    {"type": "maxpool", "kernel_size": 3, "stride": 2}, {"type": "flatten"},
    {"type": "fc", "out_features": 4096}, {"type": "relu"}, {"type": "fc", "out_features": 4096}, {"type": "relu"},
    {"type": "fc", "out_features": 1000},
]
FIXED_NETS = [
    (ALEXNET, (3, 224, 224), "AlexNet (single stream)"),
    (ALEXNET_TWO_GPU, (3, 227, 227), "AlexNet (two-GPU, grouped)"),
    ([{"type": "conv", "out_channels": 6, "kernel_size": 5}, {"type": "relu"}, {"type": "avgpool", "kernel_size": 2},
      {"type": "conv", "out_channels": 16, "kernel_size": 5}, {"type": "relu"}, {"type": "avgpool", "kernel_size": 2},
      {"type": "flatten"}, {"type": "fc", "out_features": 120}, {"type": "fc", "out_features": 84},
      {"type": "fc", "out_features": 10}], (1, 32, 32), "LeNet-5-like"),
    ([{"type": "conv", "out_channels": 8, "kernel_size": (3, 5), "stride": (1, 2), "padding": (1, 2), "groups": 1},
      {"type": "conv", "out_channels": 8, "kernel_size": 3, "padding": 1, "groups": 8, "bias": False},
      {"type": "maxpool", "kernel_size": (2, 3), "stride": (2, 1)}, {"type": "gap"},
      {"type": "fc", "out_features": 3, "bias": False}], (4, 17, 23), "pairs, groups and no-bias layers"),
]


def _summary_cases(rng):
    cases = [Case((layers, shape), describe=label) for layers, shape, label in FIXED_NETS]
    for i in range(5):
        layers, shape = _net(rng)
        cases.append(Case((layers, shape), describe=f"random network {i + 1} ({len(layers)} layers, input {shape})"))
    cases += [
        Case(([{"type": "fc", "out_features": 10}], (3, 8, 8)), describe="fc on an unflattened input",
             raises=ValueError),
        Case(([{"type": "dropout"}], (3, 8, 8)), describe="an unknown layer type", raises=ValueError),
        Case(([{"type": "conv", "out_channels": 4, "kernel_size": 5}], (3, 4, 4)),
             describe="a conv larger than its input", raises=ValueError),
    ]
    return cases


def _no_biases(layers, input_shape):
    return ref.model_summary([{**layer, "bias": False} if layer["type"] in ("conv", "fc") else layer
                              for layer in layers], input_shape)


def _pool_stride_one(layers, input_shape):
    return ref.model_summary([{**layer, "stride": layer.get("stride", 1)} if layer["type"].endswith("pool")
                              else layer for layer in layers], input_shape)


def _groups_ignored(layers, input_shape):
    return ref.model_summary([{**layer, "groups": 1} if layer["type"] == "conv" else layer for layer in layers],
                             input_shape)


register(Spec(
    name="model_summary",
    make_cases=_summary_cases,
    reference=ref.model_summary,
    adapt="summary_rows",
    expects="a list of dicts, one per layer, each with 'output_shape' (a tuple of ints) and 'params' (an int)",
    hints=[
        Hint(_no_biases, "the biases are not counted"),
        Hint(_pool_stride_one, "a pooling layer's stride defaults to its kernel_size, not 1"),
        Hint(_groups_ignored, "a conv layer's groups are ignored"),
    ],
    seed=604,
))

register(Spec(
    name="total_params",
    make_cases=_summary_cases,
    reference=ref.total_params,
    returns="int",
    hints=[
        Hint(lambda layers, shape: sum(r["params"] for r in _no_biases(layers, shape)),
             "the biases are not counted"),
        Hint(lambda layers, shape: sum(r["params"] for r in _groups_ignored(layers, shape)),
             "a conv layer's groups are ignored"),
    ],
    seed=604,
))
