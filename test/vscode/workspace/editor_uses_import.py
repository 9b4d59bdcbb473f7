"""A model built from a helper in another file of the workspace."""
import torch.nn as nn

from editor_pkg.blocks import conv_bn


# conv-lens: input=(1, 3, 64, 64)
class TwoStage(nn.Module):
    def __init__(self):
        super().__init__()
        self.stage1 = conv_bn(3, 32, stride=2)
        self.stage2 = conv_bn(32, 64, stride=2)

    def forward(self, x):
        return self.stage2(self.stage1(x))
