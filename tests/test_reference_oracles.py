"""The hidden cases' expected values come from grader/hidden/reference.py; check those
references against independent oracles (np.convolve, scipy.signal, PyTorch, closed
forms) on random inputs of many shapes, so the grader itself is right."""
import math

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F

from grader.hidden import REGISTRY
from grader.hidden import reference as ref
from torch_oracle import torch_net

rng = np.random.default_rng(20261123)
SIZES_1D = [(n, m) for n in (1, 2, 5, 8, 13) for m in (1, 2, 3, 6, 13)]


@pytest.mark.parametrize("n,m", SIZES_1D)
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_conv1d_equals_np_convolve(n, m, mode):
    x, k = rng.normal(size=n), rng.normal(size=m)
    np.testing.assert_allclose(ref.conv1d(x, k, mode), np.convolve(x, k, mode), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n,m", [(n, m) for n, m in SIZES_1D if m <= n])
def test_correlate1d_equals_np_correlate_valid(n, m):
    x, k = rng.normal(size=n), rng.normal(size=m)
    np.testing.assert_allclose(ref.correlate1d(x, k), np.correlate(x, k, "valid"), rtol=1e-12, atol=1e-12)


SHAPES_2D = [((h, w), (kh, kw)) for h, w in [(1, 1), (5, 5), (7, 7), (9, 6), (6, 11)]
             for kh, kw in [(1, 1), (3, 3), (3, 2), (1, 5), (5, 1)] if kh <= h and kw <= w]


@pytest.mark.parametrize("image_shape,kernel_shape", SHAPES_2D)
def test_correlate2d_and_convolve2d_equal_scipy(image_shape, kernel_shape):
    image, kernel = rng.normal(size=image_shape), rng.normal(size=kernel_shape)
    np.testing.assert_allclose(ref.correlate2d(image, kernel),
                               scipy.signal.correlate2d(image, kernel, mode="valid"), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ref.convolve2d(image, kernel),
                               scipy.signal.convolve2d(image, kernel, mode="valid"), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("size,sigma", [(1, 1.0), (3, 0.5), (5, 1.0), (7, 2.5), (11, 3.0)])
def test_gaussian_kernel_properties(size, sigma):
    g = ref.gaussian_kernel(size, sigma)
    assert g.shape == (size, size)
    assert g.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(g, g.T)
    np.testing.assert_allclose(g, g[::-1, ::-1])
    assert g[size // 2, size // 2] == g.max()
    # closed form at one off-centre cell, relative to the centre
    if size >= 3:
        assert g[size // 2, size // 2 + 1] / g[size // 2, size // 2] == pytest.approx(np.exp(-1 / (2 * sigma**2)))


def test_continuous_convolution_of_two_boxes_is_a_triangle():
    box = lambda s: np.where((s >= 0) & (s < 1), 1.0, 0.0)  # noqa: E731
    tau = np.linspace(-3, 3, 60001)
    t = np.linspace(-0.5, 2.5, 31)
    triangle = np.clip(1 - np.abs(t - 1), 0, None)
    np.testing.assert_allclose(ref.continuous_convolution(box, box, t, tau), triangle, atol=2e-4)


def test_continuous_convolution_of_gaussians_is_a_gaussian():
    # N(0, 1) * N(0, 1) = N(0, 2): densities convolve to the density of the sum
    pdf = lambda s, var: np.exp(-s**2 / (2 * var)) / np.sqrt(2 * np.pi * var)  # noqa: E731
    tau = np.linspace(-12, 12, 4001)
    t = np.linspace(-4, 4, 17)
    got = ref.continuous_convolution(lambda s: pdf(s, 1.0), lambda s: pdf(s, 1.0), t, tau)
    np.testing.assert_allclose(got, pdf(t, 2.0), atol=1e-9)


# graded on the held-out digits (one case: the whole held-out set); see test_capstone_data
CLASSIFIERS = sorted(name for name, spec in REGISTRY.items() if spec.is_classifier)
FUNCTIONS = sorted(set(REGISTRY) - set(CLASSIFIERS))
# the central differences of numerical_gradient differ from the exact gradient by O(h^2)
TOLERANCE = {"numerical_gradient": 1e-6}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_hidden_cases_are_seeded_and_varied(name):
    spec = REGISTRY[name]
    first, second = spec.cases(), spec.cases()
    assert len(first) >= 6
    for a, b in zip(first, second):  # the same seed gives the same cases
        assert a.describe == b.describe
        for x, y in zip(a.args, b.args):
            if isinstance(x, np.ndarray):
                assert np.array_equal(x, y)
    shapes = {tuple(np.shape(arg)) for c in first for arg in c.args if isinstance(arg, np.ndarray)}
    descriptions = {c.describe for c in first}
    assert len(descriptions) >= 5, "hidden cases must vary their inputs"
    assert not shapes or len(shapes) >= 4


def _oracle(name, args, kwargs):
    """An independent computation of each graded function's expected value."""
    if name == "sliding_windows":
        x, size = args
        return np.array([x[i:i + size] for i in range(len(x) - size + 1)]).reshape(-1, size)
    if name == "continuous_convolution":
        f, g, t, tau = args
        dtau = tau[1] - tau[0]
        return np.array([sum(f(np.array([s]))[0] * g(np.array([ti - s]))[0] for s in tau) * dtau for ti in t])
    if name == "conv1d":
        return np.convolve(*args, **kwargs)
    if name == "correlate1d":
        return np.correlate(*args, mode="valid")
    if name == "correlate2d":
        return scipy.signal.correlate2d(*args, mode="valid")
    if name == "convolve2d":
        return scipy.signal.convolve2d(*args, mode="valid")
    if name in ("conv2d", "conv2d_fast", "max_pool2d", "avg_pool2d"):
        return _torch(name, args, kwargs)
    if name == "conv2d_multichannel":
        x, w, *b = args
        out = np.array([sum(scipy.signal.correlate2d(x[c], w[o, c], mode="valid") for c in range(x.shape[0]))
                        for o in range(w.shape[0])])
        return out + (b[0][:, None, None] if b else 0.0)
    if name == "relu":
        return np.where(args[0] > 0, args[0], 0.0)
    if name == "global_avg_pool":
        return F.adaptive_avg_pool2d(torch.from_numpy(args[0]), 1).flatten(1).numpy()
    if name == "zero_pad":
        x, pad = args
        ph, pw = (pad, pad) if isinstance(pad, int) else pad
        out = np.zeros(x.shape[:-2] + (x.shape[-2] + 2 * ph, x.shape[-1] + 2 * pw))
        for index in np.ndindex(x.shape):
            out[index[:-2] + (index[-2] + ph, index[-1] + pw)] = x[index]
        return out
    if name in ("conv_output_size", "stride_fits"):
        (n, f), s, p = args, kwargs.get("stride", 1), kwargs.get("padding", 0)
        taps = range(0, kwargs.get("dilation", 1) * f, kwargs.get("dilation", 1))  # the window's taps, d apart
        starts = [r for r in range(0, n + 2 * p, s) if r + taps[-1] < n + 2 * p]  # where a window fits
        if name == "conv_output_size":
            assert len(starts) == math.floor((n + 2 * p - (taps[-1] + 1)) / s) + 1
            return len(starts)
        return bool(starts) and starts[-1] + f == n + 2 * p
    if name == "same_padding":
        (f,) = args
        return next(p for p in range(f) if 100 + 2 * p - f + 1 == 100)
    if name in ("conv_params", "fc_params", "conv_macs", "model_summary", "total_params", "receptive_field"):
        return _torch_counts(name, args, kwargs)
    if name in ("conv2d_backward", "max_pool2d_backward", "avg_pool2d_backward", "conv_transpose2d",
                "softmax_cross_entropy", "adam_step", "im2col", "numerical_gradient"):
        return _torch_08_10(name, args, kwargs)
    if name == "fft_convolve2d":
        return scipy.signal.convolve2d(*args, mode="valid")
    if name == "gaussian_kernel":
        size, sigma = args
        c = size // 2
        g = np.array([[np.exp(-((i - c) ** 2 + (j - c) ** 2) / (2 * sigma ** 2)) for j in range(size)]
                      for i in range(size)])
        return g / g.sum()
    raise KeyError(name)


def _torch(name, args, kwargs):
    """PyTorch's function of the same name: the curriculum defines these by it."""
    tensors = [torch.from_numpy(np.asarray(a, dtype=np.float64)) if a is not None else None for a in args]
    if name in ("conv2d", "conv2d_fast"):  # one contract: torch.nn.functional.conv2d
        return F.conv2d(*tensors, stride=kwargs.get("stride", 1), padding=kwargs.get("padding", 0),
                        dilation=kwargs.get("dilation", 1)).numpy()
    size = kwargs.get("size", 2)
    pool = F.max_pool2d if name == "max_pool2d" else F.avg_pool2d
    return pool(tensors[0], size, kwargs.get("stride")).numpy()


def _torch_counts(name, args, kwargs):
    """Counts read off PyTorch's own layers: parameters, output shapes, the support of a gradient."""
    if name == "conv_params":
        c_in, c_out, k = args
        m = torch.nn.Conv2d(c_in, c_out, k, groups=kwargs.get("groups", 1), bias=kwargs.get("bias", True))
        return sum(p.numel() for p in m.parameters())
    if name == "fc_params":
        return sum(p.numel() for p in torch.nn.Linear(*args, bias=kwargs.get("bias", True)).parameters())
    if name == "conv_macs":
        c_in, c_out, k, out_size = args
        weight = torch.nn.Conv2d(c_in, c_out, k, groups=kwargs.get("groups", 1)).weight
        oh, ow = (out_size, out_size) if isinstance(out_size, int) else out_size
        return oh * ow * weight.numel()          # each weight is used once per output position
    if name == "model_summary":
        from grader.inkernel.adapters import summary_rows
        return summary_rows(torch_net(*args))
    if name == "total_params":
        return sum(r["params"] for r in torch_net(*args))
    if name == "receptive_field":
        # the input region that output 0 depends on: the span of its gradient's support
        # (a stride larger than the kernel leaves gaps inside the region; they count)
        (layers,) = args
        x = torch.zeros(1, 1, 16384, requires_grad=True)
        y = x
        for k, s in layers:
            y = F.conv1d(y, torch.ones(1, 1, k), stride=s)
        y[0, 0, 0].backward()
        support = torch.nonzero(x.grad[0, 0]).flatten()
        return int(support.max() - support.min() + 1)
    raise KeyError(name)


TORCH_FIELDS = {
    "quadratic": lambda x, a, c: 0.5 * (a * x ** 2).sum() + (c * x).sum(),
    "sines": lambda x, a, c: (a * torch.sin(c * x)).sum(),
    "cubic": lambda x, a: (a * x ** 3).sum(),
    "log_sum_exp": lambda x, a: torch.logsumexp(a * x, dim=tuple(range(x.ndim))),
    "quadratic_form": lambda x, m: x.flatten() @ m.reshape(x.numel(), x.numel()) @ x.flatten(),
}


def _torch_08_10(name, args, kwargs):
    """Autograd, unfold and torch.optim: PyTorch computes what 08-10's functions return."""
    from grader.inkernel.adapters import pack_parts

    def leaf(a):
        return None if a is None else torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)

    if name == "numerical_gradient":
        field, x = args
        h = kwargs.get("h", 1e-5)
        xt = leaf(x)
        weights = [torch.from_numpy(w.reshape(x.shape) if w.size == x.size else w) for w in field.weights]
        TORCH_FIELDS[field.kind](xt, *weights).backward()
        grad = xt.grad.numpy()
        if field.kind == "cubic":  # (a(x+h)^3 - a(x-h)^3) / 2h = 3ax^2 + a h^2, exactly
            grad = grad + weights[0].numpy() * h ** 2
        return grad
    if name == "conv2d_backward":
        dout, x, w = args
        xt, wt, bt = leaf(x), leaf(w), leaf(kwargs.get("b"))
        F.conv2d(xt, wt, bt, kwargs.get("stride", 1), kwargs.get("padding", 0)).backward(torch.from_numpy(dout))
        return pack_parts((xt.grad.numpy(), wt.grad.numpy(), None if bt is None else bt.grad.numpy()))
    if name == "max_pool2d_backward":
        dout, x = args
        xt = leaf(x)
        F.max_pool2d(xt, kwargs.get("size", 2), kwargs.get("stride")).backward(torch.from_numpy(dout))
        return xt.grad.numpy()
    if name == "avg_pool2d_backward":
        dout, x = args
        xt = leaf(x)
        F.avg_pool2d(xt, kwargs.get("size", 2), kwargs.get("stride")).backward(torch.from_numpy(dout))
        return xt.grad.numpy()
    if name == "conv_transpose2d":
        x, w = (torch.from_numpy(np.asarray(a, dtype=np.float64)) for a in args)
        b = kwargs.get("b")
        return F.conv_transpose2d(x, w, None if b is None else torch.from_numpy(b), stride=kwargs.get("stride", 1),
                                  padding=kwargs.get("padding", 0)).numpy()
    if name == "im2col":
        x, kh, kw = args
        cols = F.unfold(torch.from_numpy(x), (kh, kw), padding=kwargs.get("padding", 0), stride=kwargs.get("stride", 1))
        return cols.transpose(1, 2).reshape(-1, cols.shape[1]).numpy()  # (N, C*kh*kw, L) -> (N*L, C*kh*kw)
    if name == "softmax_cross_entropy":
        logits, y = args
        lt = leaf(logits)
        loss = F.cross_entropy(lt, torch.from_numpy(np.asarray(y, dtype=np.int64)))
        loss.backward()
        return pack_parts((loss.item(), lt.grad.numpy()))
    if name == "adam_step":
        param, grad, m, v, t = args
        p = torch.nn.Parameter(torch.tensor(param))
        opt = torch.optim.Adam([p], lr=kwargs.get("lr", 1e-3), betas=(kwargs.get("beta1", 0.9),
                               kwargs.get("beta2", 0.999)), eps=kwargs.get("eps", 1e-8))
        p.grad = torch.tensor(grad)
        opt.state[p] = {"step": torch.tensor(float(t - 1)), "exp_avg": torch.tensor(m).clone(),
                        "exp_avg_sq": torch.tensor(v).clone()}
        opt.step()
        state = opt.state[p]
        return pack_parts((p.detach().numpy(), state["exp_avg"].numpy(), state["exp_avg_sq"].numpy()))
    raise KeyError(name)


WRONG = {
    "conv2d": lambda x, w, b=None, stride=1, padding=0, dilation=1: ref.conv2d(
        x, np.asarray(w)[:, :, ::-1, ::-1], b, stride, padding, dilation),
    "max_pool2d": ref.avg_pool2d,
    "avg_pool2d": ref.max_pool2d,
    "conv2d_backward": lambda dout, x, w, b=None, stride=1, padding=0: ref.conv2d_backward(
        dout, x, np.asarray(w)[:, :, ::-1, ::-1], b, stride, padding),
    "max_pool2d_backward": lambda dout, x, size=2, stride=None: ref.max_pool2d_backward(dout, x, size, 1)
    if np.shape(dout) == ref.max_pool2d(x, size, 1).shape else np.zeros(np.shape(x)),
    "avg_pool2d_backward": ref.max_pool2d_backward,
    "conv_transpose2d": lambda x, w, b=None, stride=1, padding=0: ref.conv_transpose2d(
        x, np.asarray(w)[:, :, ::-1, ::-1], b, stride, padding),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_torch_oracle_tells_a_wrong_answer_apart(name):
    # teeth: the oracle rejects a known-wrong variant on the hidden cases
    cases = [c for c in REGISTRY[name].cases() if c.raises is None]
    oracle = _torch if name in ("conv2d", "max_pool2d", "avg_pool2d") else _torch_08_10

    def packed(value):
        from grader.inkernel.adapters import pack_parts
        return pack_parts(value) if isinstance(value, tuple) else value

    assert any(np.shape(packed(WRONG[name](*c.args, **c.kwargs))) != np.shape(oracle(name, c.args, c.kwargs))
               or not np.allclose(packed(WRONG[name](*c.args, **c.kwargs)), oracle(name, c.args, c.kwargs))
               for c in cases)


# x shape, w shape, stride, padding, dilation: int and pair dilations, with strides and paddings
DILATED = [((1, 1, 9, 9), (1, 1, 3, 3), 1, 0, 2), ((2, 3, 12, 10), (4, 3, 3, 2), 2, 1, (2, 3)),
           ((1, 2, 16, 7), (3, 2, 2, 3), (3, 1), (2, 0), (5, 1)), ((3, 1, 8, 8), (2, 1, 3, 3), 1, 2, 2),
           ((1, 4, 11, 13), (2, 4, 4, 1), (1, 2), (0, 3), (2, 6)), ((2, 2, 6, 6), (1, 2, 1, 1), 2, 0, 3),
           ((1, 1, 5, 5), (1, 1, 3, 3), 1, 0, 2), ((1, 3, 20, 20), (2, 3, 3, 3), 1, 8, 8)]


@pytest.mark.parametrize("xs,ws,stride,padding,dilation", DILATED)
def test_conv2d_reference_equals_torch_with_dilation(xs, ws, stride, padding, dilation):
    x, w, b = rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[0])
    want = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), stride, padding, dilation).numpy()
    np.testing.assert_allclose(ref.conv2d(x, w, b, stride, padding, dilation), want, rtol=1e-12, atol=1e-12)


def test_output_size_formula_equals_torch_shapes_over_many_sizes():
    """floor((n + 2p - d(f - 1) - 1)/s) + 1 is the height of torch's conv2d output for every
    n, f, s, p, d below; where torch refuses (the dilated kernel does not fit) the formula
    gives no position and notebook 04's model conv_output_size raises ValueError."""
    from grader.course import solution_functions
    model = solution_functions("04_stride_and_padding")["conv_output_size"]
    checked = refused = 0
    for n in range(1, 17):
        for f in range(1, 6):
            for s in range(1, 4):
                for p in range(0, 3):
                    for d in range(1, 5):
                        x, w = torch.zeros(1, 1, n, 1), torch.zeros(1, 1, f, 1)
                        try:
                            height = F.conv2d(x, w, stride=(s, 1), padding=(p, 0), dilation=(d, 1)).shape[2]
                        except RuntimeError:
                            assert ref.conv_output_size(n, f, s, p, d) <= 0, (n, f, s, p, d)
                            with pytest.raises(ValueError):
                                model(n, f, s, p, d)
                            refused += 1
                            continue
                        assert ref.conv_output_size(n, f, s, p, d) == model(n, f, s, p, d) == height, (n, f, s, p, d)
                        checked += 1
    assert checked > 2000 and refused > 100, (checked, refused)


def test_torch_oracle_tells_an_ignored_dilation_apart():
    # teeth for the dilated cases: the oracle rejects conv2d without its dilation (but for the
    # 1x1 kernel, which dilation cannot change: that case is there to catch a span of d*k)
    dilated = [c for c in REGISTRY["conv2d"].cases() if c.raises is None and c.kwargs.get("dilation", 1) != 1
               and np.shape(c.args[1])[2:] != (1, 1)]
    assert len(dilated) >= 8
    for c in dilated:
        ignored = ref.conv2d(*c.args, **{**c.kwargs, "dilation": 1})
        want = _torch("conv2d", c.args, c.kwargs)
        assert ignored.shape != want.shape or not np.allclose(ignored, want), c.describe


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_hidden_expected_value_agrees_with_an_oracle(name):
    spec = REGISTRY[name]
    tol = TOLERANCE.get(name, 1e-9)
    checked = 0
    for case in spec.cases():
        if case.raises is not None:
            continue
        expected = spec.numbers(spec.reference(*case.args, **case.kwargs))
        np.testing.assert_allclose(expected, _oracle(name, case.args, case.kwargs), rtol=tol, atol=tol,
                                   err_msg=case.describe)
        checked += 1
    assert checked >= 5


def test_capstone_data_is_split_and_balanced():
    from grader.hidden.a10_capstone import HELDOUT
    from convcourse import data_path
    train, held = np.load(data_path("digits_train.npz")), np.load(HELDOUT)
    assert train["images"].shape[1:] == held["images"].shape[1:] == (8, 8)
    assert len(train["labels"]) + len(held["labels"]) == 1797          # the whole UCI test set
    assert set(np.unique(held["labels"])) == set(range(10))
    assert np.bincount(held["labels"]).min() >= 30                     # about a fifth of each digit
    assert held["images"].max() <= 16 and held["images"].min() >= 0


def test_output_padding_adds_the_last_rows_of_dx():
    """Notebook 08, section 15: where conv2d's stride does not fit, the transposed convolution
    gives the first rows and columns of conv2d's dx, and PyTorch's output_padding the rest."""
    x, w = rng.normal(size=(1, 2, 8, 8)), rng.normal(size=(3, 2, 3, 3))
    xt = torch.tensor(x, requires_grad=True)
    out = F.conv2d(xt, torch.from_numpy(w), stride=2, padding=1)
    dout = rng.normal(size=tuple(out.shape))
    out.backward(torch.from_numpy(dout))
    dx = xt.grad.numpy()
    assert out.shape[2:] == F.conv2d(torch.zeros(1, 2, 7, 7, dtype=torch.float64), torch.from_numpy(w), stride=2,
                                     padding=1).shape[2:] == (4, 4)
    np.testing.assert_allclose(ref.conv_transpose2d(dout, w, stride=2, padding=1), dx[:, :, :7, :7], rtol=1e-12, atol=1e-12)
    padded = F.conv_transpose2d(torch.from_numpy(dout), torch.from_numpy(w), stride=2, padding=1, output_padding=1)
    np.testing.assert_allclose(padded.numpy(), dx, rtol=1e-12, atol=1e-12)
    assert not np.allclose(dx[:, :, 7], 0)
