"""Golden whole-model data from real PyTorch, for test/unit/models/golden.test.ts.

Regenerate (needs the system Python that has torch 1.13; the test suite itself never runs Python):

    npm run golden:models
    # which is: /usr/bin/python3 scripts/golden/models.py [name ...]

For every entry of models_manifest.CORPUS (and of PENDING, whose files live in
test/fixtures/models-pending) this imports the corpus file (as a module of its
package when its folder has an __init__.py, so relative imports work), builds the entry class or
factory with the stated arguments, runs one forward pass on a random tensor of the stated shape
with hooks on every module, and writes test/fixtures/models/<name>.golden.json in the format of
`conv-lens report --json`. Every figure is read off PyTorch's own modules and tensors:

- line/column: the call in the corpus file that built the layer. A wrapper around
  _ConvNd.__init__ walks the Python stack, past the layer's own __init__ methods (a subclass's
  super().__init__), to the innermost frame of that file and takes the
  position of the instruction being executed there (Python 3.11 records the start line and
  column of the Call expression), then checks that an ast.Call starts exactly there. Columns
  are then converted from Python's UTF-8 bytes to UTF-16 code units, as the contract counts.
- type: the module's class name, as PyTorch prints it (a LazyConv2d has become a Conv2d after
  its first forward; a subclass such as timm's Conv2dSame keeps its own name).
- input_shape/output_shape: forward pre-hooks and hooks (null when the layer never ran).
- macs: output.numel() * weight.shape[1:].numel() for a convolution; input.numel() times the
  same for a transposed one, whose work is one kernel scatter per input element.
- params: the module's own parameters (weight and bias; weight_g and weight_v under weight_norm).
- dense_params/dense_macs: the same layer with groups=1, from the stored attributes.
- totals.conv_macs: the MACs of one forward pass, every call of every conv (a shared layer's
  own fields describe its first call). A conv that forward never calls, in a forward pass that
  finished, did no work: its macs and dense_macs are 0 (its shapes null) and the total stays known.
- errors: the message PyTorch raised, at the innermost call in the corpus file of the traceback.
Entries in mode 'module' name a module-level variable that holds the model once the file is
imported (`model = timm.create_model(...)`); an entry 'Class.method' is a classmethod or
staticmethod factory. Entries in mode 'hand' are skipped: their goldens are written by hand (see their comment field).
"""

import ast
import importlib
import json
import os
import sys
import traceback

import torch
import torch.nn as nn
from torch.nn.modules.conv import _ConvNd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models_manifest import CORPUS, PENDING  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS_DIR = os.path.join(ROOT, 'test', 'fixtures', 'models')
PENDING_DIR = os.path.join(ROOT, 'test', 'fixtures', 'models-pending')


def corpus_dir(case):
    return PENDING_DIR if case.get('corpus') == 'models-pending' else CORPUS_DIR


class CallSites:
    """Where each conv module was constructed, keyed by id(module), for one target file."""

    def __init__(self, path):
        self.path = os.path.realpath(path)
        self.sites = {}
        self.calls = call_starts(path)
        self.lines = open(path, encoding='utf-8').read().split('\n')
        self.original_init = _ConvNd.__init__

    def __enter__(self):
        sites = self
        original = self.original_init

        def recording_init(module, *args, **kwargs):
            if id(module) not in sites.sites:
                sites.sites[id(module)] = sites.innermost_call(outside_own_init(sys._getframe(1), module))
            original(module, *args, **kwargs)

        _ConvNd.__init__ = recording_init
        return self

    def __exit__(self, *exc):
        _ConvNd.__init__ = self.original_init

    def innermost_call(self, frame):
        while frame is not None:
            if os.path.realpath(frame.f_code.co_filename) == self.path:
                return self.checked(frame_position(frame))
            frame = frame.f_back
        return None

    def checked(self, position):
        if position not in self.calls:
            raise RuntimeError(f'no ast.Call starts at {position} in {self.path}')
        return code_units(self.lines, position)


def code_units(lines, position):
    """Python counts columns in UTF-8 bytes; the analysis contract (and the editor) in UTF-16
    code units. They differ only after a non-ASCII character on the same line."""
    line, column = position
    prefix = lines[line - 1].encode('utf-8')[:column].decode('utf-8')
    return (line, len(prefix.encode('utf-16-le')) // 2)


def outside_own_init(frame, module):
    """The first frame that is not an __init__ of the module itself: a subclass's
    super().__init__(...) is part of building the layer, the call that instantiates it is not."""
    while frame is not None and frame.f_code.co_name == '__init__' and frame.f_locals.get('self') is module:
        frame = frame.f_back
    return frame


def frame_position(frame):
    """(line, column) of the instruction a frame is executing: each code unit has a position."""
    positions = list(frame.f_code.co_positions())
    line, _end_line, column, _end_column = positions[frame.f_lasti // 2]
    return (line, column)


def call_starts(path):
    """Every (lineno, col_offset) where an ast.Call starts, in the parts of the file that parse."""
    source = readable_source(path)
    return {(node.lineno, node.col_offset) for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)}


def readable_source(path):
    """The file's text, cut before the first top-level statement that does not parse."""
    with open(path, encoding='utf-8') as f:
        source = f.read()
    try:
        compile(source, path, 'exec')
        return source
    except SyntaxError as e:
        lines = source.splitlines(keepends=True)
        # Cut just before a top-level statement that starts at or above the broken line.
        cut = e.lineno - 1
        while cut > 0 and not (starts_statement(lines[cut]) and is_parseable(''.join(lines[:cut]))):
            cut -= 1
        return ''.join(lines[:cut])


def starts_statement(line):
    return line[:1] not in ('', ' ', '\t', '\n', '#')


def is_parseable(source):
    try:
        compile(source, '<prefix>', 'exec')
        return True
    except SyntaxError:
        return False


def syntax_error(path):
    with open(path, encoding='utf-8') as f:
        try:
            compile(f.read(), path, 'exec')
        except SyntaxError as e:
            return e
    return None


def package_root_and_module(path):
    """The sys.path folder and dotted module name that import the file as its package would."""
    folder, base = os.path.split(path)
    parts = [os.path.splitext(base)[0]]
    while os.path.exists(os.path.join(folder, '__init__.py')):
        folder, package = os.path.split(folder)
        parts.insert(0, package)
    return folder, '.'.join(parts)


def load_module(path, mode, corpus=CORPUS_DIR):
    root, name = package_root_and_module(path)
    forget_corpus_modules()
    for folder in (os.path.dirname(path), root, corpus):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    if mode == 'prefix':
        module = type(sys)('corpus_prefix')
        module.__file__ = path
        exec(compile(readable_source(path), path, 'exec'), module.__dict__)
        return module
    return importlib.import_module(name)


def forget_corpus_modules():
    """Drop modules imported from the corpus, so two projects' 'models' packages never collide."""
    corpora = tuple(os.path.realpath(d) for d in (CORPUS_DIR, PENDING_DIR))
    for key, module in list(sys.modules.items()):
        origin = getattr(module, '__file__', None) or ''
        if os.path.realpath(origin).startswith(tuple(d + os.sep for d in corpora)):
            del sys.modules[key]
    sys.path[:] = [p for p in sys.path if not os.path.realpath(p).startswith(corpora)]


def entry_call_site(path, entry, args):
    """Where the file itself calls the entry with these arguments (a model built in main()), if it does."""
    source = readable_source(path)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, 'attr', None)
            text = ast.get_source_segment(source, node) or ''
            if name == entry and text[text.index('(') + 1:-1].strip() == args:
                return code_units(source.split('\n'), (node.lineno, node.col_offset))
    return None


def build(module, entry, args):
    target = module
    for part in entry.split('.'):  # 'EfficientNet.from_name': a classmethod or staticmethod factory
        target = getattr(target, part)
    return eval(f'__target__({args})', {'__target__': target})


class ShapeHooks:
    """The first input and output shape every module sees, and every conv call's MACs (a layer
    shared across inputs, like a detection head run on each pyramid level, works each time)."""

    def __init__(self, model):
        self.inputs = {}
        self.outputs = {}
        self.all_calls_macs = 0
        self.handles = []
        for m in model.modules():
            self.handles.append(m.register_forward_pre_hook(self.pre))
            self.handles.append(m.register_forward_hook(self.post))

    def pre(self, m, inputs):
        if id(m) not in self.inputs and inputs and torch.is_tensor(inputs[0]):
            self.inputs[id(m)] = list(inputs[0].shape)

    def post(self, m, inputs, output):
        if id(m) not in self.outputs and torch.is_tensor(output):
            self.outputs[id(m)] = list(output.shape)
        if isinstance(m, _ConvNd) and torch.is_tensor(output):
            counted = inputs[0] if m.transposed else output
            self.all_calls_macs += counted.numel() * numel(m.weight.shape[1:])

    def close(self):
        for h in self.handles:
            h.remove()


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def conv_kind(m):
    """The core's convKind (src/core/groups.ts), from the module's stored attributes."""
    pointwise = all(k == 1 for k in m.kernel_size)
    if m.groups == 1:
        return 'pointwise' if pointwise else 'dense'
    if m.groups == m.in_channels:
        return 'depthwise' if m.out_channels == m.in_channels else 'depthwise_multiplier'
    return 'grouped_pointwise' if pointwise else 'grouped'


def layer_json(name, m, site, hooks):
    weight = list(m.weight.shape)
    per_output = numel(weight[1:])
    in_shape = hooks.inputs.get(id(m))
    out_shape = hooks.outputs.get(id(m))
    ran = in_shape is not None and out_shape is not None
    macs = None
    if ran:
        macs = numel(in_shape if m.transposed else out_shape) * per_output
    bias = m.bias is not None
    params = sum(p.numel() for p in m.parameters(recurse=False))
    dense_weight = m.out_channels * m.in_channels * numel(m.kernel_size)
    layer = {
        'name': name,
        'type': type(m).__name__,
        'line': site[0] if site else None,
        'column': site[1] if site else None,
        'in_channels': m.in_channels,
        'out_channels': m.out_channels,
        'kernel_size': list(m.kernel_size),
        'stride': list(m.stride),
        'padding': m.padding if isinstance(m.padding, str) else list(m.padding),
        'dilation': list(m.dilation),
    }
    if m.transposed:
        layer['output_padding'] = list(m.output_padding)
    layer.update({
        'groups': m.groups,
        'bias': bias,
        'weight_shape': weight,
        'params': params,
        'macs': macs,
        'input_shape': in_shape,
        'output_shape': out_shape if ran else None,
        # Parameters besides weight and bias (weight_norm's weight_g) stay as they are.
        'dense_params': params - numel(weight) + dense_weight,
        'dense_macs': macs * m.groups if macs is not None else None,
        'kind': conv_kind(m),
    })
    return layer


def error_diagnostic(error, path):
    """PyTorch's message at the innermost call of the traceback that lies in the corpus file."""
    lines = open(path, encoding='utf-8').read().split('\n')
    site = None
    tb = error.__traceback__
    while tb is not None:
        if os.path.realpath(tb.tb_frame.f_code.co_filename) == os.path.realpath(path):
            positions = list(tb.tb_frame.f_code.co_positions())
            line, _, column, _ = positions[tb.tb_lasti // 2]
            site = code_units(lines, (line, column))
        tb = tb.tb_next
    diagnostic = {
        'line': site[0] if site else None,
        'column': site[1] if site else None,
        'severity': 'error',
        'message': str(error),
    }
    # PyTorch 1.13 prints some choices as a Python set, whose order changes with the hash seed
    # of each run: such a message cannot be a golden, so only its place is.
    if "{'" in diagnostic['message']:
        del diagnostic['message']
    return diagnostic


def golden_for(case):
    path = os.path.join(corpus_dir(case), case['file'])
    mode = case.get('mode', 'torch')
    # Arguments the file itself passes are not given on the command line, so `args` is then empty.
    shown_args = '' if case.get('args_in_code') else case['args']
    result = {'file': case['file'], 'entry': case['entry'], 'args': shown_args, 'input': case['input']}
    if case.get('comment'):
        result['comment'] = case['comment']
    if case.get('args_in_code'):
        result['comment'] = f"The file builds {case['entry']}({case['args']}) itself and feeds it; nothing is passed as --args."
    torch.manual_seed(0)
    with CallSites(path) as sites:
        # A module-level model is built by importing its file.
        module = load_module(path, 'torch' if mode == 'module' else mode, corpus_dir(case))
        try:
            model = getattr(module, case['entry']) if mode == 'module' else build(module, case['entry'], case['args'])
        except Exception as e:  # PyTorch's construction errors are the golden here.
            result['comment'] = 'PyTorch raised while building the model, so only the error is known.'
            if "{'" in str(e):
                result['comment'] += ' Its message lists a set in hash order, so only its place is compared.'
            result['diagnostics'] = [error_diagnostic(e, path)]
            return result
    hooks = ShapeHooks(model)
    hooks.forward_finished = False
    diagnostics = []
    try:
        with torch.no_grad():
            model(torch.randn(*case['input']))
        hooks.forward_finished = True
    except Exception as e:  # A forward error: layers before it keep their shapes.
        diagnostics.append(error_diagnostic(e, path))
    hooks.close()
    # A model that the file builds inside a function the generator does not run (main()) was
    # built, as far as the file is concerned, by that call.
    fallback = entry_call_site(path, case['entry'], case['args']) if case.get('args_in_code') else None
    layers = [layer_json(name, m, sites.sites.get(id(m)) or fallback, hooks)
              for name, m in model.named_modules() if isinstance(m, _ConvNd)]
    if hooks.forward_finished:
        for layer in layers:
            if layer['input_shape'] is None:  # Never called: PyTorch did no work there.
                layer['macs'] = layer['dense_macs'] = 0
    all_ran = all(layer['macs'] is not None for layer in layers)
    result['layers'] = layers
    result['totals'] = {
        'conv_layers': len(layers),
        'conv_params': sum(layer['params'] for layer in layers),
        'conv_macs': hooks.all_calls_macs if all_ran else None,
        'params': sum(p.numel() for p in model.parameters()),
    }
    if mode == 'prefix':
        e = syntax_error(path)
        result['comment'] = ('The file does not parse; PyTorch ran the statements above the broken one. '
                             'The syntax diagnostic gives only the line Python reports.')
        diagnostics.append({'line': e.lineno, 'severity': 'error'})
    result['diagnostics'] = diagnostics
    return result


def dumps(value, pad=''):
    """JSON indented by two, with arrays of scalars (shapes, tuples) kept on one line, as toJson does."""
    inner = pad + '  '
    if isinstance(value, dict):
        if not value:
            return '{}'
        items = [f'{inner}{json.dumps(k)}: {dumps(v, inner)}' for k, v in value.items()]
        return '{\n' + ',\n'.join(items) + '\n' + pad + '}'
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return '[' + ', '.join(json.dumps(v) for v in value) + ']'
        return '[\n' + ',\n'.join(inner + dumps(v, inner) for v in value) + '\n' + pad + ']'
    return json.dumps(value)


def main(names):
    for case in CORPUS + PENDING:
        if case.get('mode') == 'hand' or (names and case['name'] not in names):
            continue
        golden = golden_for(case)
        out = os.path.join(corpus_dir(case), case['name'] + '.golden.json')
        with open(out, 'w', encoding='utf-8') as f:
            f.write(dumps(golden) + '\n')
        count = len(golden.get('layers', []))
        errors = len(golden['diagnostics'])
        print(f"{case['name']:24} {count:3} conv layers  {errors} error(s)")


if __name__ == '__main__':
    main(sys.argv[1:])
