"""PyTorch as an independent oracle: a course layer list built from torch.nn modules."""
import torch


def torch_net(layers, input_shape):
    """The layer list as PyTorch modules, and the output shape of each on a zero input."""
    x = torch.zeros((1, *input_shape))
    rows = []
    for layer in layers:
        kind = layer["type"]
        if kind == "conv":
            m = torch.nn.Conv2d(x.shape[1], layer["out_channels"], layer["kernel_size"], layer.get("stride", 1),
                                layer.get("padding", 0), groups=layer.get("groups", 1), bias=layer.get("bias", True))
        elif kind in ("maxpool", "avgpool"):
            pool = torch.nn.MaxPool2d if kind == "maxpool" else torch.nn.AvgPool2d
            m = pool(layer["kernel_size"], layer.get("stride"))
        elif kind == "relu":
            m = torch.nn.ReLU()
        elif kind == "flatten":
            m = torch.nn.Flatten()
        elif kind == "gap":
            m = torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())
        else:
            m = torch.nn.Linear(x.shape[1], layer["out_features"], bias=layer.get("bias", True))
        with torch.no_grad():
            x = m(x)
        rows.append({"type": kind, "output_shape": tuple(x.shape[1:]), "params": sum(p.numel() for p in m.parameters())})
    return rows
