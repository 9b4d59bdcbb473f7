"""A model whose backbone comes from torchvision as installed (the tests install a stand-in)."""
import torch.nn as nn
import torchvision


# conv-lens: input=(1, 3, 32, 32)
class WithBackbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = torchvision.models.tiny_backbone()
        self.head = nn.Conv2d(16, 10, 1)

    def forward(self, x):
        return self.head(self.backbone(x))
