"""Blocks whose layers share names with the model's own, for the forward-call hover test."""
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)

    def forward(self, x):
        out = self.conv1(x)
        out = self.conv2(out)
        return out + x


# conv-lens: input=(1, 3, 16, 16)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.blocks = nn.Sequential(Block(16), Block(16))

    def forward(self, x):
        return self.blocks(self.conv1(x))
