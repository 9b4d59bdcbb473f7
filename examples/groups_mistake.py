"""A block with two mistakes that PyTorch reports only when the model is built and run. Try

    npx conv-lens check examples/groups_mistake.py

to see the first as file:line:col: error: message, before anything runs. Like PyTorch, the
analysis stops building the model there: set groups to a divisor of 48 (4 or 6) and check
again to see the second.
"""
import torch.nn as nn


# conv-lens: input=(1, 48, 32, 32)
class GroupedBlock(nn.Module):
    def __init__(self, channels=48):
        super().__init__()
        # 48 input channels cannot be split into 5 groups.
        self.grouped = nn.Conv2d(channels, channels, kernel_size=3, padding=1, groups=5)
        # This layer expects 96 channels, but the one before it makes 48.
        self.expand = nn.Conv2d(2 * channels, 4 * channels, kernel_size=1)

    def forward(self, x):
        return self.expand(self.grouped(x))
