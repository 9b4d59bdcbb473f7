"""Golden single-layer data from real PyTorch, for test/unit/core/golden.test.ts.

Regenerate (needs the system Python that has torch 1.13; the test suite itself never runs Python):

    npm run golden
    # which is: /usr/bin/python3 scripts/golden/layers.py [output path, default below; - for stdout]

Each case builds one torch.nn.ConvNd / ConvTransposeNd from keyword arguments and, when that
succeeds, runs it on a real tensor of the given shape (or on the `meta` device for huge shapes,
which computes shapes without allocating). Constructor arguments are encoded so that every Python
type survives JSON: ints as JSON ints, floats as {"float": x}, tuples as {"tuple": [...]}, lists
as JSON arrays, strings, bools and None as themselves. Results say what PyTorch did: the exception
class and message, or the weight and bias shapes, params, output shape, MACs and bias adds, all
read off torch's own tensors (never computed from a formula here).
"""

import json
import os
import sys
import warnings

import torch
import torch.nn as nn

DEFAULT_OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, 'test', 'fixtures', 'golden', 'layers.json')
TYPES = ['Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d']
# Small spatial sizes keep generation fast; 3D gets the smallest.
SIDE = {1: 9, 2: 7, 3: 5}


def dims(type_name):
    return int(type_name[-2])


def encode(value):
    """A constructor argument as unambiguous JSON (bool is checked before int: it is a subclass)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return {'float': value}
    if isinstance(value, tuple):
        return {'tuple': [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    raise TypeError(f'cannot encode {value!r}')


def label(type_name, args, input_shape, device):
    shown = ', '.join(f'{k}={v!r}' for k, v in args.items())
    where = '' if device == 'cpu' else f' ({device})'
    on = 'no input' if input_shape is None else f'input {list(input_shape)}'
    return f'{type_name}({shown}) on {on}{where}'


def error(e):
    return {'ok': False, 'exception': type(e).__name__, 'message': str(e)}


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def run(type_name, args, input_shape, device='cpu'):
    case = {
        'label': label(type_name, args, input_shape, device),
        'type': type_name,
        'args': {k: encode(v) for k, v in args.items()},
        'input': None if input_shape is None else list(input_shape),
        'device': device,
    }
    try:
        # The device is passed only for meta: naming it changes PyTorch's TypeError text.
        extra = {} if device == 'cpu' else {'device': device}
        layer = getattr(nn, type_name)(**args, **extra)
    except Exception as e:  # noqa: BLE001 -- every PyTorch exception is data here
        case['construct'] = error(e)
        return case
    params = sum(p.numel() for p in layer.parameters())
    case['construct'] = {
        'ok': True,
        'weight_shape': list(layer.weight.shape),
        'bias_shape': None if layer.bias is None else list(layer.bias.shape),
        'params': params,
        'padding_per_side': padding_per_side(layer),
    }
    if input_shape is None:
        return case
    try:
        x = torch.zeros(*input_shape, device=device)
        with torch.no_grad():
            y = layer(x)
    except Exception as e:  # noqa: BLE001
        case['forward'] = error(e)
        return case
    # Per weight slice: C_in/g x prod(k) for a conv, C_out/g x prod(k) for a transposed conv
    # (whose weight is [C_in, C_out/g, *k]). A conv does one slice per output element; a
    # transposed conv scatters one slice per input element.
    per_element = numel(layer.weight.shape[1:])
    driver = x.numel() if layer.transposed else y.numel()
    case['forward'] = {
        'ok': True,
        'output_shape': list(y.shape),
        'macs': driver * per_element,
        'bias_adds': y.numel() if layer.bias is not None else 0,
    }
    return case


def padding_per_side(layer):
    """[before, after] per spatial dimension, first dimension first, from the module's own
    _reversed_padding_repeated_twice (which holds 'same' split as PyTorch splits it); None when
    it holds anything but ints."""
    flat = list(layer._reversed_padding_repeated_twice)
    if not all(type(v) is int for v in flat):
        return None
    return [[flat[i], flat[i + 1]] for i in range(len(flat) - 2, -1, -2)]


def shape_for(type_name, channels, batch=1, side=None):
    n = dims(type_name)
    side = SIDE[n] if side is None else side
    spatial = [side] * n
    return [channels, *spatial] if batch is None else [batch, channels, *spatial]


def groups_sweep():
    """Dense, grouped, depthwise and depthwise with a channel multiplier, for every type."""
    combos = [(8, 16, 1), (8, 16, 2), (8, 16, 4), (8, 8, 8), (8, 16, 8), (6, 18, 6), (12, 8, 4), (1, 4, 1)]
    for t in TYPES:
        for cin, cout, g in combos:
            yield t, dict(in_channels=cin, out_channels=cout, kernel_size=3, groups=g), shape_for(t, cin, batch=2)


def geometry_sweep():
    """Strides, paddings and dilations as ints and tuples, with and without bias, batched or not."""
    for t in TYPES:
        n = dims(t)
        for i, (k, s, p, d) in enumerate([(1, 1, 0, 1), (2, 1, 0, 1), (3, 2, 1, 1), (3, 3, 0, 2), (4, 2, 1, 1), (5, 1, 2, 1), (3, 2, 2, 2)]):
            args = dict(in_channels=4, out_channels=6, kernel_size=k, stride=s, padding=p, dilation=d, bias=i % 2 == 0)
            yield t, args, shape_for(t, 4, batch=None if i % 3 == 0 else 3)
        varied = [(3, 1, 2), (2, 2, 1), (1, 3, 2)][:n]
        args = dict(in_channels=4, out_channels=8, kernel_size=tuple(v[0] for v in varied),
                    stride=tuple(v[1] for v in varied), padding=tuple(v[2] - 1 for v in varied),
                    dilation=tuple(v[2] for v in varied), groups=2)
        yield t, args, shape_for(t, 4, batch=2)
        yield t, dict(args, kernel_size=[3] * n), shape_for(t, 4, batch=None)


def transposed_output_padding():
    for t in TYPES[3:]:
        n = dims(t)
        for s, op, d in [(2, 1, 1), (3, 2, 1), (3, 1, 1), (1, 1, 2), (2, 0, 1), (2, 1, 2)]:
            for bias in (True, False):
                yield t, dict(in_channels=4, out_channels=8, kernel_size=3, stride=s, output_padding=op, dilation=d, bias=bias, padding=1), shape_for(t, 4, batch=1 if bias else None)
        if n >= 2:
            yield t, dict(in_channels=4, out_channels=4, kernel_size=3, stride=tuple([2, 3, 2][:n]), output_padding=tuple([1, 2, 0][:n]), groups=4), shape_for(t, 4, batch=2)


def same_and_valid():
    for t in TYPES[:3]:
        n = dims(t)
        for k in (1, 2, 3, 4, 5):
            for d in (1, 2, 3):
                if k == 1 and d > 1:
                    continue
                yield t, dict(in_channels=3, out_channels=6, kernel_size=k, padding='same', dilation=d, bias=k % 2 == 1), shape_for(t, 3, batch=None if d == 3 else 1, side=SIDE[n] + 2)
        yield t, dict(in_channels=3, out_channels=6, kernel_size=tuple([2, 3, 4][:n]), padding='same', dilation=tuple([3, 1, 2][:n])), shape_for(t, 3, side=SIDE[n] + 3)
        yield t, dict(in_channels=3, out_channels=6, kernel_size=3, padding='valid'), shape_for(t, 3)
        yield t, dict(in_channels=3, out_channels=6, kernel_size=2, padding='valid', stride=2), shape_for(t, 3, batch=None)
        yield t, dict(in_channels=3, out_channels=6, kernel_size=3, padding='same', stride=1), shape_for(t, 3)


def padding_modes():
    for t in TYPES[:3]:
        for mode in ('zeros', 'reflect', 'replicate', 'circular'):
            for p in (1, 2, 'same'):
                k = 4 if p == 'same' else 3
                yield t, dict(in_channels=4, out_channels=4, kernel_size=k, padding=p, padding_mode=mode, groups=2), shape_for(t, 4, batch=2)
            # Unbatched inputs: PyTorch 1.13's circular pad rejects them (a quirk reproduced here).
            yield t, dict(in_channels=4, out_channels=4, kernel_size=3, padding=1, padding_mode=mode), shape_for(t, 4, batch=None)
            # Padding as large as the input: reflect refuses, circular wraps at most once.
            yield t, dict(in_channels=4, out_channels=4, kernel_size=3, padding=SIDE[dims(t)], padding_mode=mode), shape_for(t, 4)


def invalid():
    c2 = dict(in_channels=8, out_channels=16, kernel_size=3)
    yield 'Conv2d', dict(c2, groups=3), [1, 8, 7, 7]
    yield 'Conv2d', dict(in_channels=12, out_channels=16, kernel_size=3, groups=3), [1, 12, 7, 7]
    yield 'Conv2d', dict(in_channels=8, out_channels=12, kernel_size=3, groups=8), [1, 8, 7, 7]
    yield 'ConvTranspose2d', dict(in_channels=8, out_channels=12, kernel_size=3, groups=8), [1, 8, 7, 7]
    yield 'Conv1d', dict(in_channels=6, out_channels=4, kernel_size=3, groups=4), [1, 6, 7]
    for g in (0, -1, -4):
        yield 'Conv2d', dict(c2, groups=g), [1, 8, 7, 7]
        yield 'ConvTranspose1d', dict(c2, groups=g), [1, 8, 7]
    yield 'Conv2d', dict(c2, groups=2.0), [1, 8, 7, 7]
    yield 'Conv2d', dict(c2, groups=3.0), [1, 8, 7, 7]
    for bad in ('foo', 'SAME', 'full', ''):
        yield 'Conv2d', dict(c2, padding=bad), [1, 8, 7, 7]
    yield 'Conv1d', dict(c2, padding='foo'), [1, 8, 7]
    yield 'Conv2d', dict(c2, padding='same', stride=2), [1, 8, 7, 7]
    yield 'Conv3d', dict(c2, padding='same', stride=(1, 1, 2)), [1, 8, 5, 5, 5]
    yield 'Conv1d', dict(c2, padding='same', stride=(2,)), [1, 8, 7]
    yield 'Conv2d', dict(c2, padding='valid', stride=2), [1, 8, 7, 7]
    yield 'ConvTranspose2d', dict(c2, padding='same'), [1, 8, 7, 7]
    yield 'ConvTranspose1d', dict(c2, padding='valid'), [1, 8, 7]
    for mode in ('x', 'Zeros', 'mirror'):
        yield 'Conv2d', dict(c2, padding_mode=mode), [1, 8, 7, 7]
    yield 'Conv2d', dict(c2, padding_mode='x', groups=3), [1, 8, 7, 7]
    for t in TYPES[3:]:
        for mode in ('reflect', 'circular', 'x'):
            yield t, dict(c2, padding_mode=mode), shape_for(t, 8)
    # Channels given as floats, as `out_planes / 4` gives them.
    yield 'Conv2d', dict(in_channels=64, out_channels=64 / 4, kernel_size=3), [1, 64, 7, 7]
    yield 'Conv2d', dict(in_channels=64 / 4, out_channels=64, kernel_size=3), [1, 16, 7, 7]
    yield 'Conv2d', dict(in_channels=16.0, out_channels=32.0, kernel_size=3), [1, 16, 7, 7]
    yield 'Conv1d', dict(in_channels=16, out_channels=32 / 4, kernel_size=3, bias=False), [1, 16, 7]
    yield 'Conv2d', dict(in_channels=16, out_channels=32, kernel_size=3.0), [1, 16, 7, 7]
    yield 'Conv2d', dict(in_channels=16, out_channels=32, kernel_size=(3, 2.0)), [1, 16, 7, 7]
    yield 'ConvTranspose2d', dict(in_channels=16, out_channels=32 / 2, kernel_size=3, groups=2), [1, 16, 7, 7]
    yield 'ConvTranspose2d', dict(in_channels=16 / 2, out_channels=32, kernel_size=3), [1, 8, 7, 7]
    # Negative sizes.
    yield 'Conv2d', dict(in_channels=8, out_channels=-16, kernel_size=3), [1, 8, 7, 7]
    yield 'Conv2d', dict(in_channels=8, out_channels=16, kernel_size=-3), [1, 8, 7, 7]
    yield 'Conv2d', dict(in_channels=8, out_channels=16, kernel_size=0), [1, 8, 7, 7]
    # Forward-time checks of ATen's check_shape_forward and friends.
    for t in TYPES:
        n = dims(t)
        yield t, dict(c2, padding=-1), shape_for(t, 8)
        yield t, dict(c2, padding=tuple([1, -2, 0][:n])), shape_for(t, 8)
        yield t, dict(c2, stride=0), shape_for(t, 8)
        yield t, dict(c2, stride=-1), shape_for(t, 8)
        yield t, dict(c2, dilation=0), shape_for(t, 8)
        yield t, dict(c2, dilation=tuple([1, 0, 1][:n])), shape_for(t, 8)
        yield t, dict(c2, kernel_size=SIDE[n] + 2), shape_for(t, 8)
        yield t, dict(c2, kernel_size=3, dilation=4), shape_for(t, 8)
        yield t, dict(c2, groups=2), shape_for(t, 6)
        yield t, dict(c2), shape_for(t, 3, batch=None)
        yield t, dict(c2), [8] * n
        yield t, dict(c2), [1, 1, 8] + [5] * n
        yield t, dict(c2), [8]
    yield 'Conv2d', dict(c2, padding_mode='reflect', padding=-1), [1, 8, 7, 7]
    yield 'Conv2d', dict(c2, padding=(1, 1, 1)), [1, 8, 7, 7]
    yield 'Conv2d', dict(c2, kernel_size=(3, 3, 3)), [1, 8, 7, 7]
    yield 'Conv2d', dict(c2, kernel_size=(3,)), [1, 8, 7, 7]
    for t in TYPES[3:]:
        n = dims(t)
        # Transposed outputs too small, and output_padding not below stride or dilation.
        yield t, dict(c2, padding=4), shape_for(t, 8, side=2)
        yield t, dict(c2, padding=2, stride=2), shape_for(t, 8, side=1)
        yield t, dict(c2, stride=2, output_padding=2), shape_for(t, 8)
        yield t, dict(c2, stride=2, output_padding=tuple([1, 2, 1][:n])), shape_for(t, 8)
        yield t, dict(c2, output_padding=1), shape_for(t, 8)
        yield t, dict(c2, output_padding=1, dilation=2), shape_for(t, 8)
        yield t, dict(c2, output_padding=-1, stride=2), shape_for(t, 8)
        yield t, dict(c2, groups=4), shape_for(t, 6, batch=None)


def backend_quirks():
    """Checks PyTorch 1.13 makes only inside its CPU backends, after check_shape_forward: their
    wording depends on the backend chosen (oneDNN for batches, groups or big inputs, else the slow
    kernels, which see a Conv1d as a Conv2d of height 1)."""
    for t in TYPES:
        n = dims(t)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=0), shape_for(t, 4)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=0), shape_for(t, 4, batch=2)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=0, dilation=2), shape_for(t, 4)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=tuple([1, 0, 1][:n])), shape_for(t, 4)
        yield t, dict(in_channels=4, out_channels=8, kernel_size=3, dilation=0, groups=2), shape_for(t, 4)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, dilation=0), shape_for(t, 4, batch=2)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=5, dilation=0), shape_for(t, 4)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, dilation=0), shape_for(t, 4, side=150 if n < 3 else 30)
        yield t, dict(in_channels=4, out_channels=0, kernel_size=3), shape_for(t, 4)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, dilation=0), shape_for(t, 4, batch=0)
        strided = dict(in_channels=4, out_channels=6, kernel_size=3, stride=2)
        yield t, dict(strided, output_padding=1) if t.startswith('ConvT') else strided, shape_for(t, 4, batch=0)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, padding=2), shape_for(t, 4, side=0)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3), shape_for(t, 4, side=0)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, stride=tuple([2])), shape_for(t, 4)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, stride=tuple([1, 2, 1, 2][:n + 1])), shape_for(t, 4)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, dilation=tuple([2])), shape_for(t, 4)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, padding=tuple([2])), shape_for(t, 4)
        if not t.startswith('ConvT'):
            yield t, dict(in_channels=4, out_channels=4, kernel_size=3, padding=tuple([2]), padding_mode='replicate'), shape_for(t, 4)
            yield t, dict(in_channels=4, out_channels=4, kernel_size=3, padding='same', dilation=tuple([2])), shape_for(t, 4)
            yield t, dict(in_channels=4, out_channels=4, kernel_size=3, padding='same', dilation=tuple([2]), padding_mode='reflect'), shape_for(t, 4)
    # oneDNN's heuristic takes an input of more than 20480 elements in its first four dimensions.
    for side in (71, 72):
        yield 'Conv2d', dict(in_channels=4, out_channels=4, kernel_size=3, dilation=0), [1, 4, 71, side]
        yield 'Conv3d', dict(in_channels=4, out_channels=4, kernel_size=3, dilation=0), [1, 4, 71, side, 3]
    yield 'Conv1d', dict(in_channels=4, out_channels=4, kernel_size=3, dilation=0), [1, 4, 5121]
    yield 'Conv2d', dict(in_channels=4, out_channels=4, kernel_size=(4, 3), dilation=0), [1, 4, 7, 7]
    yield 'Conv2d', dict(in_channels=4, out_channels=4, kernel_size=(4, 4), dilation=0), [1, 4, 7, 7]
    for t in TYPES[3:]:
        n = dims(t)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, stride=2, output_padding=tuple([1])), shape_for(t, 4)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, stride=2, output_padding=tuple([1] * (n + 1))), shape_for(t, 4)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, dilation=0, output_padding=3), shape_for(t, 4)
        yield t, dict(in_channels=0, out_channels=4, kernel_size=3), shape_for(t, 0)
        yield t, dict(in_channels=4, out_channels=4, kernel_size=3, padding=''), shape_for(t, 4)


def padding_mode_quirks():
    """padding_mode other than zeros runs F.pad first, then a conv with no padding of its own."""
    for t in TYPES[:3]:
        n = dims(t)
        for mode in ('reflect', 'replicate', 'circular'):
            base = dict(in_channels=2, out_channels=2, kernel_size=1, padding_mode=mode)
            for p in (-3, -4, -5):
                yield t, dict(base, padding=p), shape_for(t, 2, side=7)
            yield t, dict(base, padding=-4), shape_for(t, 2, batch=None, side=7)
            yield t, dict(base, kernel_size=3, padding=-2), shape_for(t, 2, side=6)
            yield t, dict(base, padding=-3), shape_for(t, 2, side=6)
            yield t, dict(base, padding=tuple([6, 1, 1][:n])), shape_for(t, 2, side=6)
            yield t, dict(base, padding=tuple([1, 6, 1][:n])), shape_for(t, 2, side=6)
            yield t, dict(base, padding=tuple([7, 1, 1][:n])), shape_for(t, 2, side=6)
            yield t, dict(base, padding=6), shape_for(t, 2, batch=None, side=6)
            yield t, dict(base, kernel_size=14, padding='same'), shape_for(t, 2, side=6)
            yield t, dict(base, kernel_size=3, padding=1), shape_for(t, 3, side=6)
            yield t, dict(base, kernel_size=3, padding=1), [1, 1, 2] + [6] * n
            yield t, dict(base, kernel_size=3, padding=1), [6] * n
            yield t, dict(base, kernel_size=3, padding=1), [2]
            yield t, dict(base, kernel_size=9, padding=1), shape_for(t, 2, side=6)
            yield t, dict(base, kernel_size=3, padding=1, stride=0), shape_for(t, 2, side=6)
            yield t, dict(base, kernel_size=3, padding=1, dilation=0), shape_for(t, 2, side=6)
        yield t, dict(in_channels=4, out_channels=8, kernel_size=4, padding='same'), shape_for(t, 3, side=7)
        yield t, dict(in_channels=4, out_channels=8, kernel_size=4, padding='same', dilation=0), shape_for(t, 4, side=7)
        yield t, dict(in_channels=4, out_channels=8, kernel_size=4, padding='same'), shape_for(t, 4, side=2)
        yield t, dict(in_channels=4, out_channels=8, kernel_size=3, padding='valid'), shape_for(t, 4, side=2)


def argument_types():
    """Stride, padding, dilation and output_padding that are not tuples of ints construct fine and
    fail when the layer is called, in the functional form's argument parser."""
    base = dict(in_channels=4, out_channels=4, kernel_size=3)
    for t in ('Conv1d', 'Conv2d', 'Conv3d'):
        yield t, dict(base, stride=1.0), shape_for(t, 4)
    yield 'Conv2d', dict(base, stride=1.0, bias=False), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, padding=1.0), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, dilation=1.0), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, stride=(1, 2.0)), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, padding=(1, 2.0)), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, dilation=(1, 2.0), stride=(1, 2.0)), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, padding='same', dilation=1.0), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, padding='valid', stride=(1, 1.0)), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, stride=None), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, stride=True), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, padding=None), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, padding=[1, 1], stride=[1, 2]), [1, 4, 7, 7]
    # None is passed as None, never replaced by the default.
    yield 'Conv2d', dict(base, bias=None), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, padding_mode=None), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, groups=None), [1, 4, 7, 7]
    yield 'Conv2d', dict(base, groups='2'), [1, 4, 7, 7]
    yield 'Conv2d', dict(in_channels=None, out_channels=4, kernel_size=3), [1, 4, 7, 7]
    yield 'Conv2d', dict(in_channels='4', out_channels=4, kernel_size=3), [1, 4, 7, 7]
    yield 'Conv2d', dict(in_channels=4, out_channels=(4,), kernel_size=3, groups=2), [1, 4, 7, 7]
    yield 'ConvTranspose2d', dict(base, output_padding=None), [1, 4, 7, 7]
    for mode in ('reflect', 'circular'):
        yield 'Conv2d', dict(base, padding=1.0, padding_mode=mode), [1, 4, 7, 7]
        yield 'Conv2d', dict(base, padding=(1, 2.0), padding_mode=mode), [1, 4, 7, 7]
        yield 'Conv2d', dict(base, padding=(1.0, 2), padding_mode=mode), [1, 4, 7, 7]
        yield 'Conv2d', dict(base, padding=1, stride=1.0, padding_mode=mode), [1, 4, 7, 7]
        yield 'Conv2d', dict(base, padding='same', dilation=1.0, padding_mode=mode), [1, 4, 7, 7]
    for t in TYPES[3:]:
        yield t, dict(base, stride=1.0), shape_for(t, 4)
        yield t, dict(base, stride=2, output_padding=1.0), shape_for(t, 4)
        yield t, dict(base, padding=1.0), shape_for(t, 4)
        yield t, dict(base, dilation=1.0), shape_for(t, 4)
    yield 'ConvTranspose2d', dict(base, stride=(2, 1.0)), [1, 4, 7, 7]
    yield 'ConvTranspose2d', dict(base, stride=2, output_padding=(1, 1.0), dilation=(1, 2.0)), [1, 4, 7, 7]
    yield 'ConvTranspose2d', dict(base, padding=(1, 1.0), dilation=1.0), [1, 4, 7, 7]


def huge():
    """Shapes far too large to allocate, on the meta device (PyTorch 1.13 computes conv shapes there)."""
    yield 'Conv2d', dict(in_channels=512, out_channels=512, kernel_size=3, padding=1, groups=512), [64, 512, 4096, 4096]
    yield 'Conv2d', dict(in_channels=3, out_channels=64, kernel_size=7, stride=2, padding=3), [1024, 3, 100000, 100000]
    yield 'Conv1d', dict(in_channels=65536, out_channels=65536, kernel_size=3, groups=256), [16, 65536, 10 ** 6]
    yield 'ConvTranspose2d', dict(in_channels=256, out_channels=128, kernel_size=4, stride=2, padding=1, groups=8), [32, 256, 8192, 8192]
    yield 'Conv3d', dict(in_channels=64, out_channels=64, kernel_size=3, padding='same', groups=64), [8, 64, 2048, 2048, 2048]


def published():
    yield 'Conv2d', dict(in_channels=512, out_channels=512, kernel_size=3, padding=1, bias=False), [1, 512, 14, 14]
    yield 'Conv2d', dict(in_channels=512, out_channels=512, kernel_size=3, padding=1, groups=512, bias=False), [1, 512, 14, 14]
    yield 'Conv2d', dict(in_channels=512, out_channels=512, kernel_size=1, bias=False), [1, 512, 14, 14]
    yield 'Conv2d', dict(in_channels=16, out_channels=32, kernel_size=3, groups=4), [7, 16, 28, 28]
    yield 'ConvTranspose2d', dict(in_channels=64, out_channels=32, kernel_size=4, stride=2, padding=1, groups=8), [1, 64, 16, 16]


def main():
    # PyTorch warns about even 'same' kernels and zero-size weights; the data records what it does.
    warnings.filterwarnings('ignore', category=UserWarning)
    torch.manual_seed(0)
    cases = []
    for source in (groups_sweep, geometry_sweep, transposed_output_padding, same_and_valid, padding_modes, invalid,
                   backend_quirks, padding_mode_quirks, argument_types, published):
        cases.extend(run(t, args, shape) for t, args, shape in source())
    cases.extend(run(t, args, shape, device='meta') for t, args, shape in huge())
    document = {
        'generator': 'scripts/golden/layers.py',
        'torch_version': torch.__version__,
        'cases': cases,
    }
    target = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUTPUT
    text = json.dumps(document, indent=1) + '\n'
    if target == '-':
        sys.stdout.write(text)
    else:
        with open(target, 'w', encoding='utf-8') as out:
            out.write(text)
        print(f'wrote {len(cases)} cases to {target}', file=sys.stderr)


if __name__ == '__main__':
    main()
