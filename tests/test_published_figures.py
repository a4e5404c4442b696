"""Parameter totals of real architectures against their published figures, counted two
ways: by the grader's reference `total_params` and by PyTorch's own layers.

Sources (named in notebook 06 too):
- AlexNet, single stream: torchvision's model documentation, 61,100,840 parameters.
- AlexNet, the two-GPU original (Krizhevsky, Sutskever and Hinton, 2012): "60 million
  parameters"; counted layer by layer, 60,965,224.
- VGG16 (Simonyan and Zisserman, 2015, configuration D): torchvision's documentation,
  138,357,544 (the paper: 138 million).
"""
import pytest

from grader.hidden import reference as ref
from grader.hidden.a06_counting import ALEXNET, ALEXNET_TWO_GPU

from torch_oracle import torch_net


def _vgg16():
    layers = []
    for channels, repeats in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
        layers += [{"type": "conv", "out_channels": channels, "kernel_size": 3, "padding": 1}, {"type": "relu"}] * repeats
        layers.append({"type": "maxpool", "kernel_size": 2})
    return layers + [{"type": "flatten"}, {"type": "fc", "out_features": 4096}, {"type": "relu"},
                     {"type": "fc", "out_features": 4096}, {"type": "relu"}, {"type": "fc", "out_features": 1000}]


@pytest.mark.parametrize("layers,input_shape,published", [
    (ALEXNET, (3, 224, 224), 61_100_840),
    (ALEXNET_TWO_GPU, (3, 227, 227), 60_965_224),
    (_vgg16(), (3, 224, 224), 138_357_544),
], ids=["alexnet-torchvision", "alexnet-2012", "vgg16"])
def test_total_parameters_match_the_published_figure(layers, input_shape, published):
    assert ref.total_params(layers, input_shape) == published
    assert sum(row["params"] for row in torch_net(layers, input_shape)) == published



def _mobilenet():
    """MobileNet-224 (Howard et al., 2017, Table 1; the last depthwise layer at stride 1), no biases."""
    def conv(c, k, s=1, p=0, g=1):
        return {"type": "conv", "out_channels": c, "kernel_size": k, "stride": s, "padding": p, "groups": g,
                "bias": False}
    layers = [conv(32, 3, 2, 1), {"type": "relu"}]
    widths = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2)]
    for c_in, c_out, s in widths + [(512, 512, 1)] * 5 + [(512, 1024, 2), (1024, 1024, 1)]:
        layers += [conv(c_in, 3, s, 1, c_in), {"type": "relu"}, conv(c_out, 1), {"type": "relu"}]
    return layers + [{"type": "gap"}, {"type": "fc", "out_features": 1000}]


def test_mobilenet_matches_keras_published_count_with_batch_normalisation():
    """Keras' MobileNet (keras.io/api/applications): 4,253,864 parameters, batch normalisation's
    scale, shift, running mean and variance included; notebook 06 counts 4,210,088 without them."""
    import torch
    layers = _mobilenet()
    assert ref.total_params(layers, (3, 224, 224)) == 4_210_088
    assert sum(row["params"] for row in torch_net(layers, (3, 224, 224))) == 4_210_088
    modules, c_in = [], 3
    for layer in layers:
        if layer["type"] == "conv":
            modules += [torch.nn.Conv2d(c_in, layer["out_channels"], layer["kernel_size"], layer["stride"],
                                        layer["padding"], groups=layer["groups"], bias=False),
                        torch.nn.BatchNorm2d(layer["out_channels"])]
            c_in = layer["out_channels"]
    net = torch.nn.Sequential(*modules, torch.nn.Linear(1024, 1000))
    counted = sum(p.numel() for p in net.parameters()) + sum(
        b.numel() for name, b in net.named_buffers() if not name.endswith("num_batches_tracked"))
    assert counted == 4_253_864


def test_mobilenet_matches_the_papers_table_4():
    rows = ref.model_summary(_mobilenet(), (3, 224, 224))
    assert round(sum(r["params"] for r in rows) / 1e6, 1) == 4.2
    shape, macs = (3, 224, 224), 0
    for layer, row in zip(_mobilenet(), rows):
        if layer["type"] == "conv":
            macs += ref.conv_macs(shape[0], layer["out_channels"], layer["kernel_size"], row["output_shape"][1:],
                                  layer["groups"])
        elif layer["type"] == "fc":
            macs += shape[0] * layer["out_features"]
        shape = row["output_shape"]
    assert round(macs / 1e6) == 569
