"""Golden totals for the model view's tests: builds examples/mobilenet_v2.py with real PyTorch,
runs it on its input, and counts every parameter and every conv's MACs with forward hooks.
Run: /usr/bin/python3 scripts/golden/model_view.py (writes test/fixtures/golden/model-view.json)."""
import importlib.util
import json
import os

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load(path):
    spec = importlib.util.spec_from_file_location('example', os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def totals(model, shape):
    macs = {'value': 0}
    convs = []

    def hook(module, inputs, output):
        k = module.kernel_size[0] * module.kernel_size[1]
        macs['value'] += output.numel() * (module.in_channels // module.groups) * k
        convs.append(module)

    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            m.register_forward_hook(hook)
    model.eval()
    with torch.no_grad():
        model(torch.zeros(*shape))
    conv_params = sum(p.numel() for m in convs for p in m.parameters())
    return {
        'params': sum(p.numel() for p in model.parameters()),
        'conv_params': conv_params,
        'conv_layers': len(convs),
        'conv_macs': macs['value'],
    }


out = {
    'mobilenet_v2.py#MobileNetV2': totals(load('examples/mobilenet_v2.py').MobileNetV2(), (1, 3, 224, 224)),
    'mobilenet_block.py#TinyMobileNet': totals(load('examples/mobilenet_block.py').TinyMobileNet(), (1, 3, 224, 224)),
}
with open(os.path.join(ROOT, 'test', 'fixtures', 'golden', 'model-view.json'), 'w') as f:
    json.dump(out, f, indent=2)
    f.write('\n')
print(json.dumps(out, indent=2))
