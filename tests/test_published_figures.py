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

