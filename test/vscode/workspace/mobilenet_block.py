"""A MobileNetV2-style inverted residual block, used by the editor tests as a fixture."""
import torch
from torch import nn


class InvertedResidual(nn.Module):
    def __init__(self):
        super().__init__()
        # 1x1 expansion: 32 -> 192 channels.
        self.expand = nn.Conv2d(32, 192, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(192)
        # 3x3 depthwise: one filter per channel.
        self.depthwise = nn.Conv2d(192, 192, kernel_size=3, stride=2, padding=1, groups=192, bias=False)
        self.bn2 = nn.BatchNorm2d(192)
        # 1x1 projection: 192 -> 64 channels.
        self.project = nn.Conv2d(192, 64, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(64)
        # A grouped 3x3 convolution in the style of ResNeXt.
        self.grouped = nn.Conv2d(64, 128, kernel_size=3, padding=1, groups=4)
        self.act = nn.ReLU6(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.act(self.bn1(self.expand(x)))
        x = self.act(self.bn2(self.depthwise(x)))
        x = self.bn3(self.project(x))
        return self.grouped(x)
