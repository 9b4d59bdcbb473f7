"""A small network for the editor tests: dense, grouped, depthwise and pointwise convs."""
import torch
import torch.nn as nn


# conv-lens: input=(1, 3, 32, 32)
class EditorNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 64, 3, padding=1)
        self.grouped = nn.Conv2d(64, 128, kernel_size=3, padding=1, groups=8)
        self.depthwise = nn.Conv2d(128, 128, 3, padding=1, groups=128, bias=False)
        self.pointwise = nn.Conv2d(128, 256, 1)

    def forward(self, x):
        out = self.stem(x)
        out = self.grouped(out)
        out = self.depthwise(out)
        return self.pointwise(out)
