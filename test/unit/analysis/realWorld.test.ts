import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { AnalysisOptions, FileAnalysis } from '../../../src/analysis/types';

// Patterns met in real model files (torchvision's own sources, popular repositories) that the
// corpus goldens do not isolate. Figures were checked against PyTorch 1.13.

function analyzeProject(files: Record<string, string>, main: string, options: Partial<AnalysisOptions> = {}): FileAnalysis {
  return analyzeFile(files[main], { file: main, host: { readFile: (p) => files[p] }, ...options });
}

describe('analysis: a library\'s own files import the library by its absolute name', () => {
  it('reads torchvision.ops.misc from the torchvision tree the model file lies in', () => {
    const files = {
      '/site/torchvision/__init__.py': '',
      '/site/torchvision/ops/__init__.py': '',
      '/site/torchvision/ops/misc.py': `from torch import nn


class ConvBN(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(nn.Conv3d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm3d(cout))
`,
      '/site/torchvision/models/__init__.py': '',
      '/site/torchvision/models/video.py': `from torch import nn
from torchvision.ops.misc import ConvBN


class Stem(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = ConvBN(3, 8)
`,
    };
    const [model] = analyzeProject(files, '/site/torchvision/models/video.py', { entry: 'Stem' }).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.params]), [['stem.0', 648n]]);
    assert.equal(model.totals.params, 664n);
  });
});

function analyze(source: string, options: Partial<AnalysisOptions> = {}): FileAnalysis {
  return analyzeFile(source, { file: '/project/net.py', host: { readFile: () => undefined }, ...options });
}

describe('analysis: parameters() lists the parameter tensors', () => {
  it('runs a loop that freezes them, so the totals stay known', () => {
    const [model] = analyze(`import torch
import torch.nn as nn


class Frozen(nn.Conv2d):
    def __init__(self):
        super().__init__(3, 3, kernel_size=1)
        for p in self.parameters():
            p.requires_grad = False


# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = Frozen()
        self.conv = nn.Conv2d(3, 8, 3)
`, { entry: 'Net' }).models;
    assert.equal(model.totals.incomplete, undefined);
    assert.equal(model.totals.params, 12n + 224n);
  });

  it('gives their shapes, in PyTorch order, to code that reads them', () => {
    const [model] = analyze(`import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.fc = nn.Linear(8, 2)
        shapes = [tuple(p.shape) for p in self.parameters()]
        self.head = nn.Conv1d(len(shapes), sum(p.numel() for p in self.conv.parameters()), 1)
`, { entry: 'Net' }).models;
    const head = model.layers.find((l) => l.name === 'head');
    assert.deepEqual([head?.record?.spec.in_channels, head?.record?.spec.out_channels], [4n, 224n]);
  });
});

describe('analysis: a model the file builds itself is judged by what its construction skipped', () => {
  it('leaves the totals unknown when a builder statement of its tree failed', () => {
    const [model] = analyze(`import numpy as np
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        if int(np.prod(np.array([c]))) > 2:
            self.extra = nn.Conv2d(c, c, 1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(Block(4), Block(4))

    def forward(self, x):
        return self.blocks(x)


if __name__ == '__main__':
    net = Net()
    net(torch.randn(1, 4, 8, 8))
`, { entry: 'Net' }).models;
    assert.equal(model.totals.params, null);
    assert.match(model.totals.incomplete ?? '', /if int\(np\.prod/);
  });
});

describe('analysis: decorators written in the analyzed code are applied', () => {
  const legacy = `import torch.nn as nn


def handle_legacy_interface(**weights):
    def outer_wrapper(builder):
        def inner_wrapper(*args, **kwargs):
            for weights_param, (pretrained_param, default) in weights.items():
                if pretrained_param not in kwargs:
                    continue
                pretrained = kwargs.pop(pretrained_param)
                kwargs[weights_param] = default if pretrained else None
            return builder(*args, **kwargs)
        return inner_wrapper
    return outer_wrapper


def register(fn):
    return fn


@register
@handle_legacy_interface(weights=("pretrained", "IMAGENET"))
def tiny(*, weights=None, width=8):
    return nn.Conv2d(3, width if weights is None else 2 * width, 3)


# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = tiny(pretrained=False)
        self.b = tiny(pretrained=True, width=4)
`;

  it("maps a legacy keyword through the wrapper, as torchvision's model builders do", () => {
    const [model] = analyze(legacy, { entry: 'Net' }).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.spec.out_channels]), [['a', 8n], ['b', 8n]]);
    assert.equal(model.totals.incomplete, undefined);
  });

  it('keeps the plain function when a decorator returns something that cannot be called', () => {
    const [model] = analyze(`import torch.nn as nn


def broken(fn):
    return None


@broken
def make():
    return nn.Conv2d(3, 4, 1)


# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = make()
`, { entry: 'Net' }).models;
    assert.deepEqual(model.layers.map((l) => l.name), ['a']);
  });
});

describe('analysis: torchvision read from the installed packages', () => {
  const site = {
    '/site/torchvision/__init__.py': 'from torchvision import models\n',
    '/site/torchvision/models/__init__.py': 'from .tiny import *\n',
    '/site/torchvision/models/tiny.py': `from torch import nn

__all__ = ['tinynet']


def tinynet(num_classes=10):
    return nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, num_classes))
`,
  };
  const user = `import torch
import torch.nn as nn
import torchvision


# conv-lens: input=(2, 3, 32, 32)
class Transfer(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = torchvision.models.tinynet(num_classes=5)

    def forward(self, x):
        return self.backbone(x)
`;
  const files: Record<string, string> = { ...site, '/project/net.py': user };

  it('builds a backbone from torchvision.models when libraryRoots holds it', () => {
    const [model] = analyzeProject(files, '/project/net.py', { entry: 'Transfer', libraryRoots: ['/site'] }).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.macs]), [['backbone.0', 2n * 16n * 32n * 32n * 27n]]);
    assert.equal(model.totals.params, 448n + 85n);
  });

  it('leaves torchvision opaque without library roots', () => {
    const [model] = analyzeProject(files, '/project/net.py', { entry: 'Transfer' }).models;
    assert.deepEqual(model.layers, []);
  });
});

describe('analysis: small tensors of known values', () => {
  it('computes RegNet widths with torch.arange, log, round, pow and diff as PyTorch does (float32)', () => {
    // torchvision's BlockParams.from_init_params for regnet_y_400mf (depth 16, w_0 48, w_a 27.89, w_m 2.09):
    // PyTorch gives block widths [48, 104, 104, 208, 208, 208, 208, 208, 440, ...] and stage depths [1, 3, 6, 6].
    const [model] = analyze(`import math
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, depth=16, w_0=48, w_a=27.89, w_m=2.09):
        super().__init__()
        widths_cont = torch.arange(depth) * w_a + w_0
        block_capacity = torch.round(torch.log(widths_cont / w_0) / math.log(w_m))
        block_widths = (torch.round(torch.divide(w_0 * torch.pow(w_m, block_capacity), 8)) * 8).int().tolist()
        splits = [w != wp for w, wp in zip(block_widths + [0], [0] + block_widths)]
        stage_depths = torch.diff(torch.tensor([d for d, t in enumerate(splits) if t])).int().tolist()
        widths = sorted(set(block_widths))
        self.convs = nn.ModuleList([nn.Conv2d(w, w, 1, bias=False) for w in widths])
        self.depths = nn.Conv1d(1, sum(stage_depths) * 100 + stage_depths[0] * 10 + stage_depths[-1], 1)
`, { entry: 'Net' }).models;
    assert.deepEqual(model.layers.slice(0, 4).map((l) => l.record?.spec.out_channels), [48n, 104n, 208n, 440n]);
    assert.equal(model.layers[4].record?.spec.out_channels, 1616n);
  });

  it('iterates torch.linspace and np.linspace drop-path rates', () => {
    const [model] = analyze(`import numpy as np
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, depths=(2, 2), rate=0.1):
        super().__init__()
        dpr = [x.item() for x in torch.linspace(0, rate, sum(depths))]
        dpr_np = np.linspace(0, rate, sum(depths)).tolist()
        self.a = nn.ModuleList([nn.Conv2d(4, 4, 1) if p > 0 else nn.Identity() for p in dpr])
        self.b = nn.ModuleList([nn.Conv2d(4, 4, 1) if float(p) > 0.05 else nn.Identity() for p in dpr_np])
`, { entry: 'Net' }).models;
    assert.deepEqual(model.layers.map((l) => l.name), ['a.1', 'a.2', 'a.3', 'b.2', 'b.3']);
    assert.equal(model.totals.incomplete, undefined);
  });
});

describe('analysis: floats written with a trailing dot before a keyword', () => {
  it('reads `p > 0. else` and `p == 0. or` as Python does', () => {
    const result = analyze(`import torch.nn as nn


class Net(nn.Module):
    def __init__(self, p=0.1, q=0.):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 1) if p > 0. else nn.Identity()
        if q == 0. or p < 1.:
            self.b = nn.Conv2d(3, 4 * int(2. if q else 3.), 1)
`, { entry: 'Net' });
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(result.models[0].layers.map((l) => [l.name, l.record?.spec.out_channels]), [['a', 4n], ['b', 12n]]);
  });
});

describe('analysis: attention written with einsum, meshgrid, index buffers and swapaxes', () => {
  it('follows the shapes through a relative-position attention into the conv after it', () => {
    const [model] = analyze(`import torch
import torch.nn as nn
from typing import OrderedDict


def relative_index(size):
    coords = torch.stack(torch.meshgrid([torch.arange(size), torch.arange(size)]))
    flat = torch.flatten(coords, 1)
    rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0)
    return rel.sum(-1)


class Attention(nn.Module):
    def __init__(self, dim, size):
        super().__init__()
        self.qkv = nn.Linear(dim, dim * 3)
        self.table = nn.parameter.Parameter(torch.zeros((2 * size - 1) ** 2, 1))
        self.register_buffer('index', relative_index(size))
        self.n = size * size

    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        attn = torch.einsum('b i d, b j d -> b i j', q, k)
        bias = self.table[self.index.view(-1)].view(self.n, self.n, -1).permute(2, 0, 1)
        attn = (attn + bias).softmax(-1)
        return torch.einsum('bij,bjd->bid', attn, v)


# conv-lens: input=(2, 8, 4, 4)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(OrderedDict([('attn', Attention(8, 4))]))
        self.conv = nn.Conv2d(8, 8, 3, padding=1)

    def forward(self, x):
        b, c, h, w = x.shape
        t = torch.swapaxes(x.flatten(2), 1, 2)
        t = self.body(t)
        return self.conv(t.transpose(1, 2).reshape(b, c, h, w))
`, { entry: 'Net' }).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.input_shape?.map(Number)]), [['conv', [2, 8, 4, 4]]]);
    assert.equal(model.totals.params, 8n * 24n + 24n + 49n + 584n);
  });
});

describe('analysis: a failed assignment forgets its target', () => {
  it('gives a later layer no shape rather than the shape the name had before', () => {
    // F.rms_norm exists in newer PyTorch; the analysis does not know it and raises AttributeError.
    const [model] = analyze(`import torch.nn as nn
import torch.nn.functional as F


# conv-lens: input=(1, 3, 16, 16)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, stride=2)
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        x = self.stem(x)
        x = F.rms_norm(x, (8, 7, 7))
        return self.head(x)
`, { entry: 'Net' }).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.input_shape?.map(Number) ?? null]), [['stem', [1, 3, 16, 16]], ['head', null]]);
  });
});

describe('analysis: eval() of module names, as YOLO-style config parsers do', () => {
  it('turns config strings into the classes of the file and of torch.nn', () => {
    const [model] = analyze(`import torch.nn as nn


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, padding=k // 2, bias=False)

    def forward(self, x):
        return self.conv(x)


CFG = [['Conv', [3, 16, 3]], ['nn.MaxPool2d', [2]], ['Conv', [16, 32, 1]]]


# conv-lens: input=(1, 3, 32, 32)
class Model(nn.Module):
    def __init__(self, cfg=CFG):
        super().__init__()
        layers = []
        for m, args in cfg:
            m = eval(m) if isinstance(m, str) else m
            layers.append(m(*args))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)
`, { entry: 'Model' }).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.output_shape?.map(Number)]), [['model.0.conv', [1, 16, 32, 32]], ['model.2.conv', [1, 32, 16, 16]]]);
  });
});

describe('analysis: einops patterns', () => {
  it('follows Rearrange patch embedding, rearrange back to a map and reduce', () => {
    const [model] = analyze(`import torch.nn as nn
from einops import rearrange, reduce
from einops.layers.torch import Rearrange


# conv-lens: input=(2, 3, 32, 32)
class Net(nn.Module):
    def __init__(self, patch=4, dim=16):
        super().__init__()
        self.to_patch = nn.Sequential(Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', p1=patch, p2=patch), nn.Linear(patch * patch * 3, dim))
        self.conv = nn.Conv2d(dim, dim, 3, padding=1, groups=dim)
        self.head = nn.Conv1d(dim, 4, 1)

    def forward(self, x):
        t = self.to_patch(x)
        y = self.conv(rearrange(t, 'b (h w) c -> b c h w', h=8))
        z = reduce(y, 'b c h w -> b c w', 'mean')
        return self.head(z)
`, { entry: 'Net' }).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.input_shape?.map(Number)]), [['conv', [2, 16, 8, 8]], ['head', [2, 16, 8]]]);
  });
});

describe('analysis: timm helpers when timm is not installed', () => {
  it('reads DropPath, to_2tuple and trunc_normal_ as timm defines them (figures from PyTorch with the same helpers)', () => {
    const [model] = analyze(`import torch
import torch.nn as nn
from timm.models.layers import DropPath, to_2tuple, trunc_normal_


class PatchEmbed(nn.Module):
    def __init__(self, img_size=32, patch_size=4, in_chans=3, embed_dim=32):
        super().__init__()
        img_size = to_2tuple(img_size)
        patch_size = to_2tuple(patch_size)
        self.grid = (img_size[0] // patch_size[0], img_size[1] // patch_size[1])
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)
        self.norm = nn.LayerNorm(embed_dim)

    def forward(self, x):
        x = self.proj(x).flatten(2).transpose(1, 2)
        return self.norm(x)


class Block(nn.Module):
    def __init__(self, dim, drop_path=0.):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * 4), nn.GELU(), nn.Linear(dim * 4, dim))
        self.drop_path = DropPath(drop_path) if drop_path > 0. else nn.Identity()

    def forward(self, x):
        return x + self.drop_path(self.mlp(self.norm(x)))


# conv-lens: input=(2, 3, 32, 32)
class Net(nn.Module):
    def __init__(self, depth=3, dim=32, drop_path_rate=0.1):
        super().__init__()
        self.patch_embed = PatchEmbed(embed_dim=dim)
        dpr = [x.item() for x in torch.linspace(0, drop_path_rate, depth)]
        self.blocks = nn.Sequential(*[Block(dim, dpr[i]) for i in range(depth)])
        self.head = nn.Conv1d(dim, 10, 1)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            trunc_normal_(m.weight, std=.02)

    def forward(self, x):
        x = self.blocks(self.patch_embed(x))
        return self.head(x.transpose(1, 2))
`, { entry: 'Net' }).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.output_shape?.map(Number)]), [['patch_embed.proj', [2, 32, 8, 8]], ['head', [2, 10, 64]]]);
    assert.deepEqual([model.totals.conv_params, model.totals.conv_macs, model.totals.params], [1898n, 237568n, 27210n]);
  });
});

describe('analysis: an unknown item of nn.Sequential keeps its index', () => {
  it('names the items after it as PyTorch does, and leaves the shapes after it unknown', () => {
    const [model] = analyze(`import torch.nn as nn
from somewhere_else import Mystery


# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 4, 1), Mystery(4), nn.Conv2d(4, 4, 1))

    def forward(self, x):
        return self.body(x)
`, { entry: 'Net' }).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.input_shape?.map(Number) ?? null]), [['body.0', [1, 3, 8, 8]], ['body.2', null]]);
  });
});

describe('analysis: unbind and tensor_split', () => {
  it('splits q, k, v with unbind and a class token with tensor_split, as MViT does', () => {
    const [model] = analyze(`import torch
import torch.nn as nn


# conv-lens: input=(2, 17, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(8, 24)
        self.conv = nn.Conv1d(8, 8, 3, padding=1)
        self.head = nn.Conv1d(16, 4, 1)

    def forward(self, x):
        B, N, C = x.shape
        q, k, v = self.qkv(x).reshape(B, N, 3, C).unbind(dim=2)
        cls, rest = torch.tensor_split(q, (1,), dim=1)
        a, b = torch.tensor_split(k, 2, dim=1)
        y = self.conv(rest.transpose(1, 2))
        return self.head(torch.cat([y, torch.cat([a, b], 1)[:, 1:].transpose(1, 2)], dim=1))
`, { entry: 'Net' }).models;
    assert.deepEqual(model.layers.map((l) => [l.name, l.record?.input_shape?.map(Number)]), [['conv', [2, 8, 16]], ['head', [2, 16, 16]]]);
  });
});
