"""Writes test/fixtures/kernel/cases.json: small convolutions computed by real PyTorch.

Run with the interpreter that has torch:  /usr/bin/python3 scripts/kernel/make_fixtures.py
Each case holds the layer's constructor arguments, the input shape, and the input, weight,
bias and output tensors as base64 little-endian float32, so the file stays small and exact.
"""
import base64
import json
import os

import torch

# (layer type, constructor keyword arguments, input shape)
CASES = [
    ("Conv2d", dict(in_channels=3, out_channels=5, kernel_size=3, padding=1), [1, 3, 8, 8]),
    ("Conv2d", dict(in_channels=3, out_channels=4, kernel_size=3, stride=2, bias=False), [1, 3, 9, 11]),
    ("Conv2d", dict(in_channels=4, out_channels=8, kernel_size=3, stride=2, padding=1, groups=4), [2, 4, 8, 8]),
    ("Conv2d", dict(in_channels=4, out_channels=8, kernel_size=3, padding="same", groups=4), [1, 4, 8, 8]),
    ("Conv2d", dict(in_channels=8, out_channels=6, kernel_size=3, padding="same", dilation=2, groups=2), [1, 8, 7, 9]),
    ("Conv2d", dict(in_channels=6, out_channels=6, kernel_size=3, padding=1, groups=6), [1, 6, 10, 10]),
    ("Conv2d", dict(in_channels=5, out_channels=5, kernel_size=5, padding="same", groups=5), [1, 5, 9, 13]),
    ("Conv2d", dict(in_channels=6, out_channels=6, kernel_size=3, stride=2, padding=1, groups=6), [1, 6, 11, 10]),
    ("Conv2d", dict(in_channels=3, out_channels=6, kernel_size=3, padding=1, groups=3, bias=False), [1, 3, 7, 7]),
    ("Conv2d", dict(in_channels=16, out_channels=12, kernel_size=1), [2, 16, 5, 7]),
    ("Conv2d", dict(in_channels=8, out_channels=8, kernel_size=1, groups=4), [1, 8, 6, 6]),
    ("Conv2d", dict(in_channels=6, out_channels=4, kernel_size=1, stride=2), [1, 6, 7, 7]),
    ("Conv2d", dict(in_channels=3, out_channels=5, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2)), [1, 3, 10, 12]),
    ("Conv2d", dict(in_channels=2, out_channels=3, kernel_size=4, padding="same"), [1, 2, 9, 9]),
    ("Conv2d", dict(in_channels=2, out_channels=3, kernel_size=3, padding="valid"), [1, 2, 6, 7]),
    ("Conv2d", dict(in_channels=13, out_channels=7, kernel_size=3, padding=1), [1, 13, 11, 11]),
    ("Conv2d", dict(in_channels=32, out_channels=32, kernel_size=3, padding=1, groups=4), [1, 32, 9, 9]),
    ("Conv2d", dict(in_channels=16, out_channels=16, kernel_size=3, padding="same"), [3, 16, 6, 5]),
    ("Conv1d", dict(in_channels=4, out_channels=6, kernel_size=3, padding="same", groups=2), [2, 4, 20]),
    ("Conv1d", dict(in_channels=5, out_channels=5, kernel_size=3, stride=2, padding=1, groups=5), [1, 5, 17]),
    ("Conv3d", dict(in_channels=2, out_channels=4, kernel_size=3, padding=1), [1, 2, 5, 6, 6]),
    ("Conv3d", dict(in_channels=4, out_channels=4, kernel_size=(1, 3, 3), padding=(0, 1, 1), groups=2), [1, 4, 3, 5, 5]),
    # Pointwise layers whose outputs fill whole 8-output blocks: the kernel writes them in place.
    ("Conv2d", dict(in_channels=8, out_channels=8, kernel_size=1), [2, 8, 4, 6]),
    ("Conv2d", dict(in_channels=8, out_channels=8, kernel_size=1, groups=2), [1, 8, 4, 4]),
    ("ConvTranspose2d", dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=1, output_padding=1), [1, 4, 5, 5]),
    ("ConvTranspose2d", dict(in_channels=4, out_channels=4, kernel_size=(3, 2), stride=(1, 2), groups=2, dilation=(2, 1)), [2, 4, 4, 6]),
    ("ConvTranspose2d", dict(in_channels=6, out_channels=6, kernel_size=4, stride=2, padding=1, groups=6, bias=False), [1, 6, 5, 7]),
    ("ConvTranspose1d", dict(in_channels=3, out_channels=5, kernel_size=5, stride=3, padding=2, output_padding=2), [1, 3, 9]),
    ("ConvTranspose3d", dict(in_channels=2, out_channels=2, kernel_size=2, stride=2), [1, 2, 3, 3, 3]),
]


def encode(tensor):
    return base64.b64encode(tensor.detach().contiguous().numpy().astype("<f4").tobytes()).decode("ascii")


def make_case(index, layer_type, kwargs, input_shape):
    torch.manual_seed(1000 + index)
    layer = getattr(torch.nn, layer_type)(**kwargs)
    x = torch.randn(*input_shape)
    with torch.no_grad():
        y = layer(x)
    return {
        "type": layer_type,
        "args": {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()},
        "input_shape": input_shape,
        "output_shape": list(y.shape),
        "input": encode(x),
        "weight": encode(layer.weight),
        "bias": encode(layer.bias) if layer.bias is not None else None,
        "output": encode(y),
    }


def main():
    torch.set_num_threads(1)
    cases = [make_case(i, *case) for i, case in enumerate(CASES)]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(root, "test", "fixtures", "kernel", "cases.json")
    with open(path, "w") as f:
        json.dump({"generator": "scripts/kernel/make_fixtures.py", "torch": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
