"""A separable block with no call site: its channel counts stay symbolic."""
import torch.nn as nn


class SeparableBlock(nn.Module):
    def __init__(self, nin, nout):
        super().__init__()
        self.depthwise = nn.Conv2d(nin, nin, kernel_size=3, padding=1, groups=nin)
        self.pointwise = nn.Conv2d(nin, nout, kernel_size=1)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))
