# A model whose names and strings try to put links, images and HTML into Conv Lens's hovers,
# lenses and report. Every one of them must show as the plain text it is.
# conv-lens: input=(1, 8, 16, 16)
import torch.nn as nn


def conv3(channels):
    return nn.Conv2d(channels, channels, 3, padding=1)


class HostileNet(nn.Module):
    def __init__(self, flag):
        super().__init__()
        self.blocks = nn.ModuleDict({
            "[dict](command:convLens.showReport?%5B%22file%3A%2F%2F%2Fetc%2Fhosts%22%5D)": conv3(8),
            "![img](https://evil.example/dict.png)": conv3(8),
        })
        self.add_module("<img src=https://evil.example/added.png>", conv3(8))
        setattr(self, "``x`` [set](https://evil.example/set) www.evil.example $(zap)", conv3(8))
        self.bad = nn.Conv2d(8, 8, 3, padding_mode="![pm](https://evil.example/pm.png)[l](command:convLens.showReport)")
        self.cond = nn.Conv2d(16 if flag == "[cond](command:convLens.compareLayer?%5B%5D) ![c](https://evil.example/c.png)" else 8, 8, 3)

    def forward(self, x):
        for block in self.blocks.values():
            x = block(x)
        return x
