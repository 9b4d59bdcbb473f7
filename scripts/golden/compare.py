"""Compare `conv-lens report --json` with what PyTorch builds and runs, for files outside the corpus.

    /usr/bin/python3 scripts/golden/compare.py                 # every torchvision model of TORCHVISION
    /usr/bin/python3 scripts/golden/compare.py resnet50 vit_b_16
    /usr/bin/python3 scripts/golden/compare.py --verbose regnet_y_400mf
    /usr/bin/python3 scripts/golden/compare.py --corpus     # the corpus, with --args and --input given

PyTorch's figures are made exactly as the corpus goldens are (scripts/golden/models.py), so a
model here that matches on every layer would pass the corpus test. The CLI runs as
`node bin/conv-lens.js` (build it first with `npm run build`), or as the command in the
CONV_LENS environment variable. Nothing here is used by the tests.
"""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import CORPUS_DIR, ROOT, golden_for  # noqa: E402
from models_manifest import CORPUS  # noqa: E402

TV = '/usr/lib/python3/dist-packages/torchvision/models'


def tv(name, file, entry=None, args='', size=224, batch=1, dims=2, channels=3, frames=8):
    shape = [batch, channels] + [size] * dims
    if dims == 3:
        shape = [batch, channels, frames, size, size]
    return dict(name=name, file=os.path.join(TV, file), entry=entry or name, args=args, input=shape)


TORCHVISION = [
    tv('alexnet', 'alexnet.py'),
    tv('vgg11_bn', 'vgg.py'),
    tv('resnet18', 'resnet.py'),
    tv('resnet50', 'resnet.py'),
    tv('resnext50_32x4d', 'resnet.py'),
    tv('wide_resnet50_2', 'resnet.py'),
    tv('densenet121', 'densenet.py', size=64),
    tv('googlenet', 'googlenet.py', args='init_weights=False'),
    tv('inception_v3', 'inception.py', args='init_weights=False', size=299, batch=2),
    tv('mobilenet_v2', 'mobilenetv2.py'),
    tv('mobilenet_v3_small', 'mobilenetv3.py'),
    tv('mobilenet_v3_large', 'mobilenetv3.py'),
    tv('mnasnet1_0', 'mnasnet.py'),
    tv('shufflenet_v2_x1_0', 'shufflenetv2.py'),
    tv('squeezenet1_1', 'squeezenet.py'),
    tv('efficientnet_b0', 'efficientnet.py'),
    tv('efficientnet_v2_s', 'efficientnet.py'),
    tv('regnet_y_400mf', 'regnet.py'),
    tv('regnet_x_800mf', 'regnet.py'),
    tv('regnet_y_1_6gf', 'regnet.py'),
    tv('efficientnet_b3', 'efficientnet.py', size=160),
    tv('convnext_tiny', 'convnext.py', size=64),
    tv('vit_b_16', 'vision_transformer.py'),
    tv('swin_t', 'swin_transformer.py'),
    tv('maxvit_t', 'maxvit.py'),
    tv('r3d_18', 'video/resnet.py', size=56, dims=3),
    tv('mc3_18', 'video/resnet.py', size=56, dims=3),
    tv('r2plus1d_18', 'video/resnet.py', size=56, dims=3),
    tv('s3d', 'video/s3d.py', size=224, dims=3, frames=16),
    tv('mvit_v1_b', 'video/mvit.py', size=224, dims=3, frames=16),
    tv('swin_v2_t', 'swin_transformer.py', size=256),
    tv('fcn_resnet50', 'segmentation/fcn.py', args='weights_backbone=None', size=128, batch=2),
    tv('deeplabv3_mobilenet_v3_large', 'segmentation/deeplabv3.py', args='weights_backbone=None', size=128, batch=2),
    tv('lraspp_mobilenet_v3_large', 'segmentation/lraspp.py', args='weights_backbone=None', size=128, batch=2),
]


def cli_report(case):
    command = os.environ.get('CONV_LENS', 'node ' + os.path.join(ROOT, 'bin', 'conv-lens.js')).split()
    argv = command + ['report', case['file'], '--entry', case['entry'], '--json',
                      '--input', ','.join(str(n) for n in case['input'])]
    if case['args']:
        argv += ['--args', case['args']]
    run = subprocess.run(argv, capture_output=True, text=True, cwd=os.path.dirname(case['file']), timeout=600)
    try:
        return json.loads(run.stdout)
    except json.JSONDecodeError:
        return {'crash': (run.stderr or run.stdout).strip().splitlines()[-1:]}


LAYER_KEYS = ('type', 'line', 'in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation',
              'groups', 'bias', 'params', 'macs', 'input_shape', 'output_shape')


def layer_differences(want, got):
    out = []
    names_want = [layer['name'] for layer in want]
    names_got = [layer['name'] for layer in got]
    if names_want != names_got:
        missing = [n for n in names_want if n not in names_got]
        extra = [n for n in names_got if n not in names_want]
        out.append(f'names differ: missing {missing[:4]}{"..." if len(missing) > 4 else ""} '
                   f'extra {extra[:4]}{"..." if len(extra) > 4 else ""}')
    by_name = {layer['name']: layer for layer in got}
    for layer in want:
        mine = by_name.get(layer['name'])
        if mine is None:
            continue
        for key in LAYER_KEYS:
            if layer.get(key) != mine.get(key):
                out.append(f"{layer['name']}.{key}: ours {mine.get(key)} torch {layer.get(key)}")
    return out


def figures(totals):
    if not totals:
        return '-'
    macs = totals.get('conv_macs')
    return f"{totals.get('conv_layers')} / {totals.get('params')} / {macs if macs is not None else '?'}"


def compare(case, verbose):
    golden = golden_for(case)
    mine = cli_report(case)
    if 'crash' in mine:
        return golden, mine, [f"crash: {mine['crash']}"]
    diffs = layer_differences(golden.get('layers', []), mine.get('layers', []))
    for key, value in (golden.get('totals') or {}).items():
        if (mine.get('totals') or {}).get(key) != value:
            diffs.append(f"totals.{key}: ours {(mine.get('totals') or {}).get(key)} torch {value}")
    errors = [d for d in mine.get('diagnostics', []) if d.get('severity') == 'error']
    if errors and not golden['diagnostics']:
        diffs.append(f'spurious errors: {errors[:2]}')
    if verbose:
        for u in mine.get('unresolved', [])[:12]:
            diffs.append(f"unresolved line {u.get('line')}: {u.get('what')}: {u.get('why')}")
    return golden, mine, diffs


def main(argv):
    verbose = '--verbose' in argv
    names = [a for a in argv if not a.startswith('--')]
    if '--corpus' in argv:
        # The corpus entries the way a user runs them: entry, arguments and input on the command line.
        pool = [dict(c, file=os.path.join(CORPUS_DIR, c['file']), args_in_code=False) for c in CORPUS
                if c.get('mode', 'torch') == 'torch' and c['input']]
    else:
        pool = TORCHVISION
    cases = [c for c in pool if not names or c['name'] in names]
    print('| model | PyTorch: conv layers / params / conv MACs | ours | differences |')
    print('|---|---|---|---|')
    for case in cases:
        golden, mine, diffs = compare(case, verbose)
        verdict = 'match' if not diffs else f'{len(diffs)}: ' + '; '.join(diffs[:3 if not verbose else 40])
        print(f"| {case['name']} | {figures(golden.get('totals'))} | {figures(mine.get('totals'))} | {verdict} |", flush=True)


if __name__ == '__main__':
    main(sys.argv[1:])
