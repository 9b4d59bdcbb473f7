"""Compare `conv-lens report --json` with PyTorch 1.13 on real timm, one model of every timm model file.

    scripts/timm/cache.sh PATH_TO_TIMM_CLONE          # once: .cache/timm/<version>/timm
    /usr/bin/python3 scripts/timm/compare.py 1.0.28                  # both modes, every model file
    /usr/bin/python3 scripts/timm/compare.py 0.9.16 --mode entry resnet.py convnext.py
    /usr/bin/python3 scripts/timm/compare.py 1.0.28 --verbose --timeout 60 mobilevit.py

Each timm version runs in its own process (two timm versions cannot share one interpreter), with
.cache/timm/<version> first on sys.path here and on PYTHONPATH for the CLI, which reads installed
timm from there (src/host/pythonLibraries.ts). For every file of timm/models that registers models
(`@register_model`), the models named in PICKS, or else the smallest-sounding registered name, are
measured in two modes:

- entry: `conv-lens report timm/models/<file> --entry <function> --input 1,C,H,W --json`, entering at
  the registered function inside timm's own model file (lines are that file's);
- user:  `conv-lens report <user file> --input 1,C,H,W --json` on a file that holds only
  `import timm` and `model = timm.create_model("<name>")` (lines are the user file's).

PyTorch's side is made exactly as the corpus goldens are (scripts/golden/models.py: the same layer
records, hooks and call sites), from one build through that user file that records where each conv
was built in both files. The input is the model's pretrained config's `input_size`, batch 1, with
its sides capped at MAX_SIDE when the config allows other sizes (a 768x768 ViT takes most of an hour
on a shared machine and measures nothing more). PyTorch gets --torch-timeout seconds per model.

A long run can be split: `--save rows.json` keeps a run's rows, `--render a.json b.json` prints
the tables of several saved runs as one.

A row's status:
- exact: every conv PyTorch built, with every compared field (LAYER_KEYS) equal, and every total equal;
- unknown: nothing we state differs from PyTorch, but something is left unknown (the reason is
  the report's `totals.incomplete`, its first unresolved name, or the CLI's message);
- WRONG: a figure we state differs from PyTorch's (a layer field, a layer PyTorch does not have, a
  total, or an error PyTorch does not raise) — the bug class issue 11 must never leave behind;
- error: the CLI crashed, printed no JSON, or ran past the time box; torch-error: PyTorch itself
  could not build or run the model on this machine (not counted against us).
Nothing here is used by the tests.
"""

import argparse
import ast
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import traceback
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'golden'))

LAYER_KEYS = ('type', 'line', 'column', 'in_channels', 'out_channels', 'kernel_size', 'stride', 'padding',
              'dilation', 'groups', 'bias', 'params', 'macs', 'input_shape', 'output_shape')
TOTAL_KEYS = ('conv_layers', 'conv_params', 'conv_macs', 'params')
MAX_SIDE = 320

# The models issue 11 names, and a second model where one file holds families built differently.
PICKS = {
    'resnet.py': ['resnet50'],
    'convnext.py': ['convnext_tiny'],
    'efficientnet.py': ['efficientnet_b0', 'tf_efficientnet_b0'],
    'regnet.py': ['regnety_016'],
    'byobnet.py': ['repvgg_a0', 'mobileone_s0'],
    'mobilevit.py': ['mobilevit_xxs'],
    'mobilenetv3.py': ['mobilenetv3_small_100'],
    'vision_transformer.py': ['vit_tiny_patch16_224'],
    'nfnet.py': ['nf_resnet26'],
    'dla.py': ['dla34'],
    'resnest.py': ['resnest14d'],
}

# Without a pick, the registered name that sounds smallest: the first of these words it contains
# decides its rank (earlier is smaller), then its place in the file.
SMALL_WORDS = ('atto', 'femto', 'pico', 'nano', 'xxs', 'xxsmall', 'tiny', 'xs', 'small', 'mini', 'lite0',
               '_s0', '_a0', '_b0', '_t_', '_t', '_s', '18', '26', '34', '50')
LARGE_WORDS = ('giant', 'huge', 'large', 'xlarge', 'gigantic', 'enormous', '_g_', '_l_', '_h_', '_e_', '448', '512', '518')


def registered_functions(path):
    """Names of the functions in a model file decorated with @register_model, in file order."""
    tree = ast.parse(open(path, encoding='utf-8').read())
    out = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                name = target.id if isinstance(target, ast.Name) else getattr(target, 'attr', None)
                if name == 'register_model':
                    out.append(node.name)
    return out


def smallest_sounding(names):
    def rank(item):
        index, name = item
        large = any(w in name for w in LARGE_WORDS)
        small = next((i for i, w in enumerate(SMALL_WORDS) if w in name), len(SMALL_WORDS))
        return (large, small, index)
    return min(enumerate(names), key=rank)[1]


def cases_for(models_dir, only):
    cases = []
    for base in sorted(os.listdir(models_dir)):
        if not base.endswith('.py') or (only and base not in only):
            continue
        path = os.path.join(models_dir, base)
        names = registered_functions(path)
        if not names:
            continue
        picks = [n for n in PICKS.get(base, []) if n in names] or [smallest_sounding(names)]
        cases.extend(dict(file=base, path=path, model=name) for name in picks)
    return cases


class TwoFileSites:
    """Where each conv was built, as the innermost frame in the model file and in the user file
    (scripts/golden/models.py's CallSites does this for one file)."""

    def __init__(self, model_path, user_path):
        import models as golden
        from torch.nn.modules.conv import _ConvNd
        self.golden = golden
        self.conv = _ConvNd
        self.paths = {'entry': os.path.realpath(model_path), 'user': os.path.realpath(user_path)}
        self.calls = {mode: golden.call_starts(p) for mode, p in self.paths.items()}
        self.lines = {mode: open(p, encoding='utf-8').read().split('\n') for mode, p in self.paths.items()}
        self.sites = {'entry': {}, 'user': {}}
        self.original = _ConvNd.__init__

    def __enter__(self):
        sites, original, golden = self, self.original, self.golden

        def recording_init(module, *args, **kwargs):
            frame = golden.outside_own_init(sys._getframe(1), module)
            for mode in ('entry', 'user'):
                if id(module) not in sites.sites[mode]:
                    sites.sites[mode][id(module)] = sites.innermost(frame, mode)
            original(module, *args, **kwargs)

        self.conv.__init__ = recording_init
        return self

    def __exit__(self, *exc):
        self.conv.__init__ = self.original

    def innermost(self, frame, mode):
        while frame is not None:
            if os.path.realpath(frame.f_code.co_filename) == self.paths[mode]:
                position = self.golden.frame_position(frame)
                if position not in self.calls[mode]:
                    return None
                return self.golden.code_units(self.lines[mode], position)
            frame = frame.f_back
        return None


def user_source(model):
    return f'import timm\n\nmodel = timm.create_model("{model}")\n'


def model_input(model):
    """[1, C, H, W] from the pretrained config; sides capped when the model accepts other sizes."""
    cfg = getattr(model, 'pretrained_cfg', None) or {}
    channels, *sides = list(cfg.get('input_size') or (3, 224, 224))
    if not cfg.get('fixed_input_size') and max(sides) > MAX_SIDE:
        sides = [MAX_SIDE * side // max(sides) for side in sides]
    return [1, channels] + sides


class TorchTimeout(Exception):
    pass


def on_alarm(_signum, _frame):
    raise TorchTimeout('PyTorch ran past the time limit')


def torch_side(case, user_path, limit):
    """PyTorch's layers (for each mode), totals and input, or {'torch_error': message}."""
    import torch
    import models as golden
    from torch.nn.modules.conv import _ConvNd
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(limit))
    try:
        namespace = {'__name__': '__conv_lens_user__', '__file__': user_path}
        torch.manual_seed(0)
        with TwoFileSites(case['path'], user_path) as sites:
            exec(compile(open(user_path, encoding='utf-8').read(), user_path, 'exec'), namespace)
        model = namespace['model'].eval()
        shape = model_input(model)
        hooks = golden.ShapeHooks(model)
        with torch.no_grad():
            model(torch.randn(*shape))
        hooks.close()
    except Exception as e:  # PyTorch or timm could not build or run it here.
        return {'torch_error': f'{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}'[:160],
                'trace': traceback.format_exc()}
    finally:
        signal.alarm(0)
    convs = [(name, m) for name, m in model.named_modules() if isinstance(m, _ConvNd)]
    out = {'input': shape}
    for mode in ('entry', 'user'):
        out[mode] = [golden.layer_json(name, m, sites.sites[mode].get(id(m)), hooks) for name, m in convs]
    all_ran = all(layer['macs'] is not None for layer in out['entry'])
    out['totals'] = {
        'conv_layers': len(convs),
        'conv_params': sum(layer['params'] for layer in out['entry']),
        'conv_macs': hooks.all_calls_macs if all_ran else None,
        'params': sum(p.numel() for p in model.parameters()),
    }
    return out


def cpu_limit(seconds):
    def apply():
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    return apply


def cli_report(argv, cwd, pythonpath, timeout):
    """The report's JSON. The time box is CPU time, so a busy shared machine slows the table down
    but does not turn its rows into timeouts; the wall clock only guards against a stuck process."""
    command = os.environ.get('CONV_LENS', 'node ' + os.path.join(ROOT, 'bin', 'conv-lens.js')).split()
    env = dict(os.environ, PYTHONPATH=pythonpath)
    try:
        run = subprocess.run(command + ['report'] + argv, capture_output=True, text=True, cwd=cwd, env=env,
                             timeout=timeout * 30, preexec_fn=cpu_limit(int(timeout)))
    except subprocess.TimeoutExpired:
        return {'error': f'still running after {timeout * 30:g} s of wall-clock time'}
    if run.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return {'error': f'ran past {timeout:g} s of CPU time'}
    try:
        parsed = json.loads(run.stdout)
    except json.JSONDecodeError:
        last = (run.stderr or run.stdout).strip().splitlines()[-1:] or ['no output']
        if run.returncode == 2:
            return {'no_model': last[0][:160]}
        return {'error': f'exit {run.returncode}: {last[0][:160]}'}
    if isinstance(parsed, list):
        parsed = next((m for m in parsed if m.get('entry') == 'model'), parsed[0] if parsed else {})
    return parsed


def judge(want_layers, want_totals, mine):
    """(status, reason, differences) for one report against PyTorch's layers and totals."""
    if 'error' in mine:
        return 'error', mine['error'], []
    if 'no_model' in mine:
        return 'unknown', mine['no_model'], []
    wrong, unknown = [], []
    by_name = {layer.get('name'): layer for layer in mine.get('layers', [])}
    torch_names = {layer['name'] for layer in want_layers}
    for layer in mine.get('layers', []):
        if layer.get('name') not in torch_names:
            wrong.append(f"layer {layer.get('name')} ({layer.get('type')}) that PyTorch does not build")
    for want in want_layers:
        got = by_name.get(want['name'])
        if got is None:
            unknown.append(f"layer {want['name']} missing")
            continue
        for key in LAYER_KEYS:
            if got.get(key) == want.get(key):
                continue
            if got.get(key) is None:
                unknown.append(f"{want['name']}.{key} unknown")
            else:
                wrong.append(f"{want['name']}.{key}: ours {got.get(key)} torch {want.get(key)}")
    totals = mine.get('totals') or {}
    incomplete = totals.get('incomplete')
    for key in TOTAL_KEYS:
        got, want = totals.get(key), want_totals.get(key)
        if got == want:
            continue
        # Counts of what was found so far are not claims about the whole model when the report says so.
        if got is None or (incomplete and key in ('conv_layers', 'conv_params')):
            unknown.append(f'totals.{key} unknown')
        else:
            wrong.append(f'totals.{key}: ours {got} torch {want}')
    errors = [d for d in mine.get('diagnostics', []) if d.get('severity') == 'error']
    if errors:
        wrong.append(f"error PyTorch does not raise: line {errors[0].get('line')}: {errors[0].get('message')}")
    if wrong:
        return 'WRONG', wrong[0], wrong
    if unknown:
        unresolved = mine.get('unresolved') or []
        reason = incomplete or (f"{unresolved[0].get('why')} (line {unresolved[0].get('line')})" if unresolved else unknown[0])
        return 'unknown', reason, unknown
    return 'exact', '', []


def pair(mine, want, key):
    got = (mine.get('totals') or {}).get(key) if isinstance(mine, dict) else None
    return f"{'?' if got is None else got} / {'?' if want is None else want}"


def clean(text):
    return str(text).replace('|', '\\|').replace('\n', ' ')[:140]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('version', nargs='?')
    parser.add_argument('files', nargs='*', help='model files of timm/models (e.g. resnet.py); default: all')
    parser.add_argument('--mode', choices=('entry', 'user', 'both'), default='both')
    parser.add_argument('--timeout', type=float, default=20.0, help='CPU seconds per CLI run (default 20)')
    parser.add_argument('--jobs', type=int, default=2, help='CLI runs at once (default 2)')
    parser.add_argument('--torch-timeout', type=float, default=300.0, help='seconds per model for PyTorch (default 300)')
    parser.add_argument('--verbose', action='store_true', help='list the differences under each table')
    parser.add_argument('--save', help="write this run's rows to a JSON file")
    parser.add_argument('--render', nargs='+', metavar='ROWS', help='print the tables of saved runs instead of running')
    options = parser.parse_args(argv)
    if options.render:
        render(options.render, options.verbose)
        return
    if not options.version:
        parser.error('a timm version is needed (a folder of .cache/timm)')

    cache = os.path.join(ROOT, '.cache', 'timm', options.version)
    if not os.path.isdir(os.path.join(cache, 'timm')):
        sys.exit(f'no {cache}/timm: run scripts/timm/cache.sh PATH_TO_TIMM_CLONE {options.version}')
    sys.path.insert(0, cache)
    import timm
    assert os.path.realpath(timm.__file__).startswith(os.path.realpath(cache)), timm.__file__

    cases = cases_for(os.path.join(cache, 'timm', 'models'), set(options.files))
    modes = ('entry', 'user') if options.mode == 'both' else (options.mode,)
    user_dir = tempfile.mkdtemp(prefix='conv-lens-timm-')
    rows = {mode: [] for mode in modes}
    pool = ThreadPoolExecutor(max_workers=max(1, options.jobs))
    pending = []
    for case in cases:
        user_path = os.path.join(user_dir, f"use_{case['model']}.py")
        with open(user_path, 'w', encoding='utf-8') as f:
            f.write(user_source(case['model']))
        print(f"torch {case['file']:32} {case['model']}", file=sys.stderr, flush=True)
        want = torch_side(case, user_path, options.torch_timeout)
        shape = ','.join(str(n) for n in want.get('input', [1, 3, 224, 224]))
        for mode in modes:
            if mode == 'entry':
                args = [case['path'], '--entry', case['model'], '--input', shape, '--json']
                cwd = os.path.dirname(case['path'])
            else:
                args = [user_path, '--input', shape, '--json']
                cwd = user_dir
            future = pool.submit(cli_report, args, cwd, cache, options.timeout)
            pending.append((mode, case, want, future))
    for mode, case, want, future in pending:
        mine = future.result()
        if 'torch_error' in want:
            status, reason, diffs = 'torch-error', want['torch_error'], []
        else:
            status, reason, diffs = judge(want[mode], want['totals'], mine)
        totals = want.get('totals', {})
        case = {key: case[key] for key in ('file', 'model')}
        mine = {'totals': mine.get('totals')}
        rows[mode].append(dict(case=case, mine=mine, totals=totals, status=status, reason=reason, diffs=diffs))
        print(f"{mode:5} {case['file']:32} {case['model']:34} {status}", file=sys.stderr, flush=True)
    pool.shutdown()

    if options.save:
        with open(options.save, 'w', encoding='utf-8') as f:
            json.dump({'version': options.version, 'rows': rows}, f)
    for mode in modes:
        print_table(options.version, mode, rows[mode], options.verbose)


def render(paths, verbose):
    """The tables of saved runs of one version (shards of one long run), rows sorted by file."""
    runs = [json.load(open(p, encoding='utf-8')) for p in paths]
    version = runs[0]['version']
    for mode in ('entry', 'user'):
        rows = [row for run in runs for row in run['rows'].get(mode, [])]
        if rows:
            rows.sort(key=lambda row: (row['case']['file'], row['case']['model']))
            print_table(version, mode, rows, verbose)


def print_table(version, mode, rows, verbose):
    how = ('entering at the registered function in timm/models/<file>' if mode == 'entry'
           else 'a user file `model = timm.create_model("<model>")`')
    print(f'\n### timm {version}, {mode} mode ({how})\n')
    counts = {}
    for row in rows:
        counts[row['status']] = counts.get(row['status'], 0) + 1
    order = ('exact', 'unknown', 'WRONG', 'error', 'torch-error')
    print(f"{len(rows)} models: " + ', '.join(f'{counts[s]} {s}' for s in order if s in counts) + '\n')
    print('| model file | model | convs (ours / torch) | params (ours / torch) | conv MACs (ours / torch) | status |')
    print('|---|---|---|---|---|---|')
    for row in rows:
        t, mine = row['totals'], row['mine']
        status = row['status'] + (f": {clean(row['reason'])}" if row['reason'] else '')
        print(f"| {row['case']['file']} | {row['case']['model']} | {pair(mine, t.get('conv_layers'), 'conv_layers')} "
              f"| {pair(mine, t.get('params'), 'params')} | {pair(mine, t.get('conv_macs'), 'conv_macs')} | {status} |")
    if verbose:
        for row in rows:
            if row['diffs']:
                print(f"\n{row['case']['model']} ({mode}): " + '; '.join(clean(d) for d in row['diffs'][:12]))


if __name__ == '__main__':
    main(sys.argv[1:])
