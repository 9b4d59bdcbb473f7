"""Compare `conv-lens report --json` with what PyTorch builds and runs, for files outside the corpus.

    /usr/bin/python3 scripts/golden/compare.py                 # every torchvision model of TORCHVISION
    /usr/bin/python3 scripts/golden/compare.py resnet50 vit_b_16
    /usr/bin/python3 scripts/golden/compare.py --verbose regnet_y_400mf
    /usr/bin/python3 scripts/golden/compare.py --corpus     # the corpus, with --args and --input given
    /usr/bin/python3 scripts/golden/compare.py --alone      # each torchvision model file copied alone
    /usr/bin/python3 scripts/golden/compare.py --alone --all            # ... every model torchvision lists
    /usr/bin/python3 scripts/golden/compare.py --alone --write-goldens  # ... and write test/fixtures/torchvision

--alone copies each model file alone into an empty folder (as a user opens one file out of its
repository, so its relative imports fail) and checks that every figure the report still gives
is PyTorch's: a figure may be unknown (null), never wrong. Each row says `exact` (every figure
known and equal), `unknown` (every figure given is equal; the rest are null), or `WRONG` with
the figures that differ. With CONV_LENS_BEFORE set to another build's command (e.g.
`node ../main/bin/conv-lens.js`), a column shows that build's verdict too, from the same run.
--write-goldens writes the PyTorch figures of each case to test/fixtures/torchvision (never
torchvision's source), which test/unit/models/alone.test.ts compares against; without it, a
case that has a golden there is compared with it rather than built again.

PyTorch's figures are made exactly as the corpus goldens are (scripts/golden/models.py), so a
model here that matches on every layer would pass the corpus test. The CLI runs as
`node bin/conv-lens.js` (build it first with `npm run build`), or as the command in the
CONV_LENS environment variable. Nothing here is used by the tests.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import CORPUS_DIR, ROOT, dumps, golden_for  # noqa: E402
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


# Models left out of --all: building them in PyTorch takes gigabytes and minutes.
TOO_BIG = {'vit_h_14', 'regnet_y_128gf', 'regnet_y_32gf', 'regnet_y_16gf', 'vit_l_16', 'vit_l_32'}


def every_torchvision_model():
    """TORCHVISION, then every other classification, video and segmentation model torchvision lists."""
    import torchvision.models as models
    listed = {c['name'] for c in TORCHVISION}
    out = list(TORCHVISION)
    groups = [(models, 2, ''), (models.video, 3, ''), (models.segmentation, 2, 'weights_backbone=None')]
    for package, dims, args in groups:
        for name in models.list_models(module=package):
            if name in listed or name in TOO_BIG:
                continue
            builder = models.get_model_builder(name)
            file = os.path.relpath(sys.modules[builder.__module__].__file__, TV)
            size = 299 if 'inception' in name else 224 if dims == 2 else 112
            extra = 'init_weights=False' if name in ('googlenet', 'inception_v3') else args
            out.append(tv(name, file, args=extra, size=size, dims=dims, batch=2 if args else 1))
            listed.add(name)
    return out


def cli_report(case, command=None, cwd=None, file=None):
    command = (command or os.environ.get('CONV_LENS', 'node ' + os.path.join(ROOT, 'bin', 'conv-lens.js'))).split()
    argv = command + ['report', file or case['file'], '--entry', case['entry'], '--json',
                      '--input', ','.join(str(n) for n in case['input'])]
    if case['args']:
        argv += ['--args', case['args']]
    run = subprocess.run(argv, capture_output=True, text=True, cwd=cwd or os.path.dirname(case['file']), timeout=600)
    try:
        return json.loads(run.stdout)
    except json.JSONDecodeError:
        if 'no model named' in run.stderr:
            return {'no_model': True}
        return {'crash': (run.stderr or run.stdout).strip().splitlines()[-1:]}


def report_alone(case, command=None):
    """The report of the case's file copied alone into a new empty folder."""
    folder = tempfile.mkdtemp(prefix='conv-lens-alone-')
    try:
        name = os.path.basename(case['file'])
        shutil.copyfile(case['file'], os.path.join(folder, name))
        return cli_report(case, command, cwd=folder, file=name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


TOTAL_KEYS = ('conv_layers', 'conv_params', 'conv_macs', 'params')


def proven_differences(golden, mine):
    """Figures of `mine` that are not null and differ from PyTorch's (the check of alone.test.ts)."""
    out = []
    totals = mine.get('totals') or {}
    for key in TOTAL_KEYS:
        if totals.get(key) is not None and golden.get('totals') and totals[key] != golden['totals'].get(key):
            out.append(f"totals.{key}: ours {totals[key]} torch {golden['totals'].get(key)}")
    if 'layers' not in golden:  # PyTorch raised while building: only its error is known.
        return out
    want = golden['layers']
    got = mine.get('layers') or []
    if totals.get('conv_layers') is not None and [l['name'] for l in got] != [l['name'] for l in want]:
        out.append('layer names differ')
    by_name = {layer['name']: layer for layer in want}
    for layer in got:
        torch_layer = by_name.get(layer['name'])
        if torch_layer is None:
            out.append(f"{layer['name']}: PyTorch built no such layer")
            continue
        for key, value in torch_layer.items():
            if layer.get(key) is not None and layer.get(key) != value:
                out.append(f"{layer['name']}.{key}: ours {layer.get(key)} torch {value}")
    if not golden['diagnostics']:
        out += [f"error PyTorch did not raise: {d.get('message')}" for d in mine.get('diagnostics', []) if d.get('severity') == 'error']
    return out


def alone_verdict(golden, mine):
    if 'crash' in mine:
        return f"CRASH {mine['crash']}"
    if mine.get('no_model'):
        return 'unknown (no model found)'
    diffs = proven_differences(golden, mine)
    if diffs:
        return f'WRONG ({len(diffs)}): ' + '; '.join(diffs[:3])
    totals = mine.get('totals') or {}
    layers = mine.get('layers') or []
    known = sum(1 for layer in layers if layer.get('params') is not None)
    if all(totals.get(k) == (golden.get('totals') or {}).get(k) for k in TOTAL_KEYS) and known == len(layers):
        return 'exact'
    why = (totals.get('incomplete') or '')[:70]
    return f"unknown ({known}/{len(golden.get('layers') or [])} layers known{'; ' + why if why else ''})"


def alone_main(cases, write_goldens):
    before = os.environ.get('CONV_LENS_BEFORE')
    print('| model | file | PyTorch: conv layers / params / conv MACs | ' + ('before: verdict | ' if before else '') + 'ours alone | verdict |')
    print('|---|---|---|' + ('---|' if before else '') + '---|---|')
    if write_goldens:
        os.makedirs(os.path.join(ROOT, 'test', 'fixtures', 'torchvision'), exist_ok=True)
    for case in cases:
        stored_golden = os.path.join(ROOT, 'test', 'fixtures', 'torchvision', case['name'] + '.golden.json')
        if os.path.exists(stored_golden) and not write_goldens:
            # The committed golden is what PyTorch made for this case; building the model again gives the same.
            with open(stored_golden, encoding='utf-8') as f:
                golden = json.load(f)
        else:
            golden = golden_for(case)
        if write_goldens:
            stored = dict(golden, file=os.path.relpath(case['file'], TV),
                          comment='PyTorch 1.13 and torchvision 0.14 (Debian), made by scripts/golden/compare.py --alone --write-goldens')
            with open(os.path.join(ROOT, 'test', 'fixtures', 'torchvision', case['name'] + '.golden.json'), 'w', encoding='utf-8') as f:
                f.write(dumps(stored) + '\n')
        mine = report_alone(case)
        then = f'{alone_verdict(golden, report_alone(case, before))} | ' if before else ''
        print(f"| {case['name']} | {os.path.relpath(case['file'], TV)} | {figures(golden.get('totals'))} | {then}"
              f"{figures(mine.get('totals'))} | {alone_verdict(golden, mine)} |", flush=True)


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
    shown = ['?' if totals.get(k) is None else totals.get(k) for k in ('conv_layers', 'params', 'conv_macs')]
    return ' / '.join(str(v) for v in shown)


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
    if '--alone' in argv:
        pool = every_torchvision_model() if '--all' in argv else TORCHVISION
        alone_main([c for c in pool if not names or c['name'] in names], '--write-goldens' in argv)
        return
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
