"""A small classifier written with literal widths, the kind a model-wide what-if rewrites fully:
dense 3x3 convs with biases before BatchNorms, a 1x1 projection and a Linear head."""
import torch
import torch.nn as nn


# conv-lens: input=(1, 3, 64, 64)
class PlainCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, kernel_size=3, stride=2, padding=1)
        self.bn0 = nn.BatchNorm2d(32)
        self.conv1 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(64)
        self.conv2 = nn.Conv2d(64, 96, 3, stride=2, padding=1, bias=True)
        self.bn2 = nn.BatchNorm2d(96)
        self.proj = nn.Conv2d(96, 128, 1)
        self.conv3 = nn.Conv2d(128, 160, (3, 3), padding=(1, 1), dilation=1)
        self.bn3 = nn.BatchNorm2d(160)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(160, num_classes)

    def forward(self, x):
        x = torch.relu(self.bn0(self.stem(x)))
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(self.bn2(self.conv2(x)))
        x = torch.relu(self.proj(x))
        x = torch.relu(self.bn3(self.conv3(x)))
        return self.head(torch.flatten(self.pool(x), 1))


# conv-lens: input=(2, 16, 32, 32)
class Stack(nn.Module):
    """Layers built in a loop by one call: the what-if rewrites the call once for all of them."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Conv2d(16, 16, 3, padding=1, bias=False) for _ in range(4)])
        self.out = nn.Conv2d(16, 8, 5, padding=2)

    def forward(self, x):
        for block in self.blocks:
            x = torch.relu(block(x))
        return self.out(x)
