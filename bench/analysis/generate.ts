import * as fs from 'node:fs';
import * as path from 'node:path';

// Builds long files of ordinary model code for the analysis benchmark from the corpus's single-
// file models: each copy gets its top-level names suffixed (ResNet -> ResNet_7), so the file is
// one valid module with many distinct classes, factories and config tables, as a big model zoo
// file would be. `if __name__ == '__main__':` blocks are dropped: one such file has at most one.

const CORPUS = path.resolve(__dirname, '../../test/fixtures/models');

/** Corpus files that are whole, valid, single-file models (no error files, no packages). */
export const TEMPLATE_FILES = [
  'vgg_cfg.py', 'resnet_cifar.py', 'resnext_cifar.py', 'mobilenet_v1.py', 'mobilenet_v2.py', 'mobilenet_v3.py',
  'shufflenet_v1.py', 'shufflenet_v2.py', 'efficientnet_b0.py', 'timm_style.py', 'generic_dims.py', 'inheritance.py',
  'torchvision_resnext.py', 'hifigan_style.py', 'densenet_torchvision.py', 'squeezenet.py', 'espcn_fpn.py', 'config_styles.py', 'transfer_style.py', 'torchvision_mobilenet_v2.py', 'model_surgery.py', 'convnext_vit.py', 'shared_head.py', 'regnet_style.py', 'seq_ordereddict.py', 'modulelist_dict.py',
  'partial_convs.py', 'audio_conv1d.py', 'text_cnn.py', 'video_c3d.py', 'dcgan.py', 'conv_autoencoder.py',
  'groups_zoo.py', 'inception_style.py', 'densenet_style.py', 'vocoder_upsampler.py', 'symbolic_dwsep.py',
];

interface Template {
  imports: string[];
  body: string;
  names: string[];
}

function readTemplate(file: string): Template {
  const lines = fs.readFileSync(path.join(CORPUS, file), 'utf8').split('\n');
  const imports = lines.filter((l) => /^(import|from) /.test(l));
  const mainAt = lines.findIndex((l) => l.startsWith('if __name__'));
  const body = lines.slice(0, mainAt >= 0 ? mainAt : lines.length).filter((l) => !/^(import|from) /.test(l)).join('\n');
  const names = new Set<string>();
  for (const line of lines) {
    const m = /^(?:class|def)\s+(\w+)/.exec(line) ?? /^(\w+)(?:\s*:\s*[^=]+)?\s*=/.exec(line);
    if (m) names.add(m[1]);
  }
  return { imports, body, names: [...names] };
}

function renamed(template: Template, copy: number): string {
  if (template.names.length === 0) return template.body;
  const pattern = new RegExp(`\\b(${template.names.join('|')})\\b`, 'g');
  return template.body.replace(pattern, `$1_${copy}`);
}

/** A module of at least `lines` lines made of whole renamed corpus models (never cut mid-class). */
export function generateModelFile(lines: number): string {
  const templates = TEMPLATE_FILES.map(readTemplate);
  const imports = [...new Set(templates.flatMap((t) => t.imports))].sort();
  const parts = [`"""Generated for bench/analysis: ${lines} lines of corpus-style model code."""`, ...imports, ''];
  let count = parts.length;
  for (let copy = 0; count < lines; copy++) {
    const template = templates[copy % templates.length];
    const text = renamed(template, copy);
    parts.push(text);
    count += text.split('\n').length;
  }
  return parts.join('\n') + '\n';
}
