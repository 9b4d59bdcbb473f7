"""A conv whose groups divide neither channel count, for the diagnostics and quick-fix tests."""
import torch.nn as nn


# conv-lens: input=(1, 3, 32, 32)
class BadGroups(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 30, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(30, 64, kernel_size=3, padding=1, groups=4)

    def forward(self, x):
        return self.conv2(self.conv1(x))
