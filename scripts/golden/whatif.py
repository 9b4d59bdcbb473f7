"""Golden figures of model-wide what-ifs, from real PyTorch, for test/unit/analysis/whatif.test.ts.

Regenerate (needs the system Python that has torch 1.13; the test suite itself never runs Python):

    /usr/bin/python3 scripts/golden/whatif.py

For each case this imports the corpus file, builds the entry, and transforms the built model by
module surgery, independently of Conv Lens's text rewrite, with the rules the what-if states:

- width (multiplier a, divisor d): every conv's channels become make_divisible(c * a, d)
  (torchvision's _make_divisible), except the first conv's input channels (the data's); a
  depthwise conv keeps groups equal to its channels; the BatchNorm registered right after a conv
  (same parent) follows its new output channels; a Linear whose in_features are the last conv's
  output channels follows them.
- separable: a dense k x k conv (some k > 1, groups 1, not transposed; not the first conv when it
  reads 4 channels or fewer) becomes Sequential(depthwise k x k without bias, pointwise 1 x 1
  with the conv's bias).
- groups=g: a conv with groups 1 that did not become separable, whose channels g divides.
- dropBias: a conv with a bias followed by a BatchNorm (same parent) loses its bias.

It then runs one forward pass with hooks and writes every conv's params, MACs and shapes, and the
model's totals, to test/fixtures/whatif/whatif.golden.json.
"""

import importlib.util
import json
import os
import sys

import torch
import torch.nn as nn
from torch.nn.modules.conv import _ConvNd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'whatif', 'whatif.golden.json')

PLAIN = 'test/fixtures/whatif/plain_cnn.py'
CASES = [
    ('plain-separable', PLAIN, 'PlainCNN', (1, 3, 64, 64), [{'kind': 'separable'}]),
    ('plain-groups4', PLAIN, 'PlainCNN', (1, 3, 64, 64), [{'kind': 'groups', 'groups': 4}]),
    ('plain-width-half', PLAIN, 'PlainCNN', (1, 3, 64, 64), [{'kind': 'width', 'multiplier': 0.5, 'divisor': 8}]),
    ('plain-width-075-groups8', PLAIN, 'PlainCNN', (1, 3, 64, 64), [{'kind': 'width', 'multiplier': 0.75, 'divisor': 8}, {'kind': 'groups', 'groups': 8}]),
    ('plain-dropbias', PLAIN, 'PlainCNN', (1, 3, 64, 64), [{'kind': 'dropBias'}]),
    ('plain-all', PLAIN, 'PlainCNN', (1, 3, 64, 64), [{'kind': 'width', 'multiplier': 1.4, 'divisor': 8}, {'kind': 'separable'}, {'kind': 'groups', 'groups': 2}, {'kind': 'dropBias'}]),
    ('crossfile-separable-dropbias', 'test/fixtures/whatif/crossfile/net.py', 'Net', (1, 3, 32, 32), [{'kind': 'separable'}, {'kind': 'dropBias'}]),
    ('stack-separable', PLAIN, 'Stack', (2, 16, 32, 32), [{'kind': 'separable'}]),
    ('tiny-mobilenet-width-075', 'examples/mobilenet_block.py', 'TinyMobileNet', (1, 3, 224, 224), [{'kind': 'width', 'multiplier': 0.75, 'divisor': 8}]),
    ('tiny-mobilenet-groups4', 'examples/mobilenet_block.py', 'TinyMobileNet', (1, 3, 224, 224), [{'kind': 'groups', 'groups': 4}]),
    ('resnet18-separable', 'test/fixtures/models/resnet_cifar.py', 'ResNet18', (2, 3, 32, 32), [{'kind': 'separable'}]),
    # Convs whose widths are computed (make_divisible, self.inplanes): the what-if builds them by
    # module surgery in the evaluator, and Apply leaves the ones it cannot rewrite alone.
    ('mobilenetv2-groups4', 'examples/mobilenet_v2.py', 'MobileNetV2', (1, 3, 224, 224), [{'kind': 'groups', 'groups': 4}]),
    ('mobilenetv2-separable-groups2-dropbias', 'examples/mobilenet_v2.py', 'MobileNetV2', (1, 3, 224, 224), [{'kind': 'separable'}, {'kind': 'groups', 'groups': 2}, {'kind': 'dropBias'}]),
    ('tv-resnet-separable', 'test/fixtures/whatif/torchvision_resnet.py', 'ResNet', (2, 3, 64, 64), [{'kind': 'separable'}]),
    ('tv-resnet-groups4', 'test/fixtures/whatif/torchvision_resnet.py', 'ResNet', (2, 3, 64, 64), [{'kind': 'groups', 'groups': 4}]),
    ('tv-resnet-separable-groups8', 'test/fixtures/whatif/torchvision_resnet.py', 'ResNet', (2, 3, 64, 64), [{'kind': 'separable'}, {'kind': 'groups', 'groups': 8}]),
]


def load(path, entry):
    folder = os.path.dirname(os.path.join(ROOT, path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location('corpus_' + entry, os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, entry)()


def make_divisible(v, divisor):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def set_module(model, name, module):
    parent, _, leaf = name.rpartition('.')
    setattr(model.get_submodule(parent) if parent else model, leaf, module)


def conv_like(m, **changes):
    args = dict(in_channels=m.in_channels, out_channels=m.out_channels, kernel_size=m.kernel_size, stride=m.stride,
                padding=m.padding, dilation=m.dilation, groups=m.groups, bias=m.bias is not None, padding_mode=m.padding_mode)
    args.update(changes)
    return type(m)(**args)


def following_norm(names, modules, name):
    i = names.index(name)
    if i + 1 >= len(names):
        return None
    nxt = names[i + 1]
    if not isinstance(modules[nxt], nn.modules.batchnorm._BatchNorm):
        return None
    return nxt if nxt.rpartition('.')[0] == name.rpartition('.')[0] else None


def transform(model, plan):
    modules = dict(model.named_modules())
    names = [n for n in modules if n]
    convs = [n for n in names if isinstance(modules[n], _ConvNd)]
    first = convs[0]
    # BatchNorms follow convs in the model as written (a conv that became a Sequential has children now).
    written = (names, modules)
    separable = set()
    for t in plan:
        modules = dict(model.named_modules())
        names = [n for n in modules if n]
        if t['kind'] == 'width':
            a, d = t['multiplier'], t['divisor']
            last_out = modules[convs[-1]].out_channels
            new_last = None
            for n in convs:
                m = modules[n]
                cin = m.in_channels if n == first else make_divisible(m.in_channels * a, d)
                cout = make_divisible(m.out_channels * a, d)
                depthwise = m.groups > 1 and m.groups == m.in_channels == m.out_channels
                set_module(model, n, conv_like(m, in_channels=cin, out_channels=cout, groups=cin if depthwise and n != first else m.groups))
                norm = following_norm(names, modules, n)
                if norm:
                    set_module(model, norm, type(modules[norm])(cout))
                new_last = cout
            for n in names:
                m = modules[n]
                if isinstance(m, nn.Linear) and m.in_features == last_out:
                    set_module(model, n, nn.Linear(new_last, m.out_features, bias=m.bias is not None))
        elif t['kind'] == 'separable':
            for n in convs:
                m = modules[n]
                if m.transposed or m.groups != 1 or all(k == 1 for k in m.kernel_size) or (n == first and m.in_channels <= 4):
                    continue
                depthwise = conv_like(m, out_channels=m.in_channels, groups=m.in_channels, bias=False)
                pointwise = type(m)(m.in_channels, m.out_channels, 1, bias=m.bias is not None)
                set_module(model, n, nn.Sequential(depthwise, pointwise))
                separable.add(n)
        elif t['kind'] == 'groups':
            g = t['groups']
            for n in convs:
                m = modules[n]
                if n in separable or m.groups != 1 or g == 1 or m.in_channels % g or m.out_channels % g:
                    continue
                set_module(model, n, conv_like(m, groups=g))
        elif t['kind'] == 'dropBias':
            for n in convs:
                target = n + '.1' if n in separable else n
                m = model.get_submodule(target)
                if m.bias is not None and following_norm(*written, n):
                    set_module(model, target, conv_like(m, bias=False))
    return model


def measure(model, shape):
    records = {}

    def hook(name):
        def run(m, inputs, output):
            x = inputs[0]
            macs = output.numel() * m.weight.shape[1:].numel()
            records.setdefault(name, {
                'name': name,
                'params': sum(p.numel() for p in m.parameters(recurse=False)),
                'macs': macs,
                'input_shape': list(x.shape),
                'output_shape': list(output.shape),
            })
            records[name].setdefault('calls', 0)
            records[name]['calls'] += 1
            records[name].setdefault('all_macs', 0)
            records[name]['all_macs'] += macs
        return run

    convs = [(n, m) for n, m in model.named_modules() if isinstance(m, _ConvNd)]
    for n, m in convs:
        m.register_forward_hook(hook(n))
    model.eval()
    error = None
    try:
        with torch.no_grad():
            model(torch.randn(*shape))
    except Exception as e:  # noqa: BLE001 - the golden records PyTorch's message
        error = f'{type(e).__name__}: {e}'
    layers = [records.get(n, {'name': n, 'params': sum(p.numel() for p in m.parameters(recurse=False)), 'macs': None, 'input_shape': None, 'output_shape': None}) for n, m in convs]
    conv_macs = None if error else sum(r['all_macs'] for r in records.values())
    for layer in layers:
        layer.pop('calls', None)
        layer.pop('all_macs', None)
    totals = {
        'conv_layers': len(convs),
        'conv_params': sum(layer['params'] for layer in layers),
        'conv_macs': conv_macs,
        'params': sum(p.numel() for p in model.parameters()),
    }
    return {'layers': layers, 'totals': totals, 'error': error}


def main():
    torch.manual_seed(0)
    cases = []
    for case_id, path, entry, shape, plan in CASES:
        model = transform(load(path, entry), plan)
        cases.append({'id': case_id, 'file': path, 'entry': entry, 'input': list(shape), 'plan': {'transformations': plan}, 'after': measure(model, shape)})
        print(case_id, cases[-1]['after']['totals'], cases[-1]['after']['error'] or '')
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump({'generator': 'scripts/golden/whatif.py', 'torch': torch.__version__, 'cases': cases}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    sys.exit(main())
