"""A small image classifier to try Conv Lens on: a dense stem, a grouped conv and two
depthwise-separable blocks. Open it in VS Code with Conv Lens installed, or run

    npx conv-lens report examples/mobilenet_block.py

to see every layer's weight shape, output shape, parameters and MACs, and what the grouped and
depthwise layers save against the same layers dense.
"""
import torch
import torch.nn as nn


class DepthwiseSeparable(nn.Module):
    """A 3x3 depthwise conv (one filter per channel) followed by a 1x1 pointwise conv."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.depthwise = nn.Conv2d(in_channels, in_channels, kernel_size=3, stride=stride,
                                   padding=1, groups=in_channels, bias=False)
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.pointwise = nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        x = torch.relu(self.bn1(self.depthwise(x)))
        return torch.relu(self.bn2(self.pointwise(x)))


# conv-lens: input=(1, 3, 224, 224)
class TinyMobileNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, kernel_size=3, stride=2, padding=1, bias=False)
        self.grouped = nn.Conv2d(32, 64, kernel_size=3, padding=1, groups=4, bias=False)
        self.block1 = DepthwiseSeparable(64, 128, stride=2)
        self.block2 = DepthwiseSeparable(128, 256, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(256, num_classes)

    def forward(self, x):
        x = torch.relu(self.stem(x))
        x = torch.relu(self.grouped(x))
        x = self.block2(self.block1(x))
        return self.fc(torch.flatten(self.pool(x), 1))
