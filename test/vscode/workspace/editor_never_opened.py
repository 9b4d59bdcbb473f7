# No test opens this file: commands handed its URI must refuse it rather than open it.
import torch.nn as nn


class NeverOpened(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3)
