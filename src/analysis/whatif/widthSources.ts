import { readCall } from '../../core';
import type { LayerInstance, ModelAnalysis, ModuleInstance } from '../types';
import { CallSite, intLiteral, offsetOf } from './sites';

/** One integer literal in the text that a width multiplier rewrites. */
export interface WidthTarget {
  from: number;
  to: number;
  old: bigint;
  value: bigint;
}

/** Where a conv's channel count is written: at the conv's call, or one level up, at the call that built the module whose `__init__` holds the conv. */
export type WidthSource = { target: WidthTarget; atSite: boolean } | { reason: string };

const IDENTIFIER = /^[A-Za-z_]\w*$/;

/**
 * The literal a conv's argument comes from: the argument itself when it is a literal; for a
 * bare name that is a parameter of the `__init__` that builds the conv, the literal the module
 * is built with (`DepthwiseSeparable(64, 128)` for `in_channels`). Anything else is computed,
 * and the reason says so.
 */
export function widthSource(argument: string, newValue: bigint, oldValue: bigint, layer: LayerInstance, site: CallSite, model: ModelAnalysis, text: string, starts: readonly number[], crossFile = false): WidthSource {
  const arg = site.bound!.get(argument);
  if (!arg) return { reason: `${argument} is not written at the call at line ${layer.range.line}` };
  const literal = intLiteral(arg.value);
  if (literal !== null) {
    if (literal !== oldValue) return { reason: `${argument} is written as ${arg.value} but is ${oldValue}` };
    return { target: { from: site.from + arg.valueStart, to: site.from + arg.valueEnd, old: oldValue, value: newValue }, atSite: true };
  }
  if (crossFile) return { reason: `${argument} is \`${arg.value}\` in ${layer.origin?.file ?? 'another file'}; change it where it is computed` };
  if (!IDENTIFIER.test(arg.value)) return { reason: `${argument} is a computed value (\`${arg.value}\`); change it where it is computed` };
  return parameterSource(arg.value, newValue, oldValue, layer, site, model, text, starts);
}

function parameterSource(name: string, newValue: bigint, oldValue: bigint, layer: LayerInstance, site: CallSite, model: ModelAnalysis, text: string, starts: readonly number[]): WidthSource {
  for (const owner of ancestors(layer.name, model)) {
    const cls = owner.range ? classOf(text, owner.type) : null;
    if (!cls || site.from < cls.from || site.from >= cls.to) continue;
    const index = cls.params.indexOf(name);
    if (index < 0) return { reason: `\`${name}\` is computed in ${owner.type}.__init__; change it where it is computed` };
    const from = offsetOf(starts, owner.range!.line, owner.range!.column);
    const to = offsetOf(starts, owner.range!.endLine, owner.range!.endColumn);
    const call = from !== null && to !== null ? readCall(text.slice(from, to)) : null;
    if (!call || from === null) return { reason: `${owner.name} is not built by a call the what-if can read` };
    if (call.args.some((a) => a.value.startsWith('*'))) return { reason: `${owner.name} is built with unpacked arguments (line ${owner.range!.line})` };
    const arg = call.args.find((a) => a.keyword === name) ?? call.args.filter((a) => !a.keyword)[index];
    if (!arg) return { reason: `${owner.name} uses the default of \`${name}\` (line ${owner.range!.line}); write it at the call to scale it` };
    const literal = intLiteral(arg.value);
    if (literal === null || literal !== oldValue) return { reason: `${owner.name} is built with ${name}=\`${arg.value}\` (line ${owner.range!.line}), a computed value; change it where it is computed` };
    return { target: { from: from + arg.valueStart, to: from + arg.valueEnd, old: oldValue, value: newValue }, atSite: false };
  }
  return { reason: `\`${name}\` is not a parameter of the module that builds the conv; change it where it is computed` };
}

/** The layer's enclosing modules, nearest first. */
function ancestors(name: string, model: ModelAnalysis): ModuleInstance[] {
  const byName = new Map(model.modules.map((m) => [m.name, m]));
  const out: ModuleInstance[] = [];
  for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
    const m = byName.get(name.slice(0, dot));
    if (m) out.push(m);
  }
  return out;
}

interface ClassText {
  from: number;
  to: number;
  /** `__init__`'s parameters after self, in order. */
  params: string[];
}

const classes = new Map<string, Map<string, ClassText | null>>();

/** The span of `class Name` in the text and its `__init__`'s parameters; null when not found or ambiguous. */
function classOf(text: string, name: string): ClassText | null {
  let perText = classes.get(text);
  if (!perText) {
    classes.clear();
    classes.set(text, (perText = new Map()));
  }
  if (!perText.has(name)) perText.set(name, findClass(text, name));
  return perText.get(name)!;
}

function findClass(text: string, name: string): ClassText | null {
  if (!IDENTIFIER.test(name)) return null;
  const heads = [...text.matchAll(new RegExp(`^([ \\t]*)class[ \\t]+${name}\\b[^\\n]*$`, 'gm'))];
  if (heads.length !== 1) return null;
  const head = heads[0];
  const indent = head[1].length;
  const from = head.index!;
  let to = text.length;
  const body = /\n([ \t]*)(\S)/g;
  body.lastIndex = from + head[0].length;
  for (let m = body.exec(text); m; m = body.exec(text)) {
    if (m[1].length <= indent && m[2] !== '#') {
      to = m.index + 1;
      break;
    }
  }
  const init = /def[ \t]+__init__[ \t]*\(/g;
  init.lastIndex = from;
  const found = init.exec(text);
  if (!found || found.index >= to) return null;
  const call = readCall(text.slice(found.index + found[0].length - '__init__('.length, to));
  if (!call) return null;
  const params = call.args.map((a) => (a.keyword ?? a.value).split(':')[0].trim());
  if (params[0] !== 'self' || params.some((p) => p.startsWith('*'))) return null;
  return { from, to, params: params.slice(1) };
}
