import type { Evaluator } from '../evaluate/evaluator';
import { Args, ClassValue, ModuleObject, Tensor, Value, tupleOf } from '../values/values';
import { MODULE_LIST_CLASS } from './containers';
import { REQUIRED, asInt, bindNative, registerParameter, truthyStatic } from './native';
import { MODULE_CLASS } from './native';

type Classes = Map<string, ClassValue>;

/** A deep copy of a module tree (copy.deepcopy), each shared module copied once. */
export function cloneModule(m: ModuleObject, memo = new Map<ModuleObject, ModuleObject>()): ModuleObject {
  const done = memo.get(m);
  if (done) return done;
  const copy = new ModuleObject(m.cls);
  memo.set(m, copy);
  copy.site = m.site;
  copy.becomes = m.becomes;
  for (const [k, v] of m.attrs) copy.attrs.set(k, v);
  for (const [k, v] of m.params) copy.params.set(k, v);
  if (m.conv) copy.conv = { ...m.conv, forwardDone: false, input: null, record: null };
  for (const [k, child] of m.modules) copy.modules.set(k, child ? cloneModule(child, memo) : null);
  return copy;
}

function child(ip: Evaluator, classes: Classes, name: string, positional: Value[], keywords: Record<string, Value> = {}): ModuleObject {
  return ip.instantiate(classes.get(name)!, { positional, keywords: new Map(Object.entries(keywords)) }, null) as ModuleObject;
}

function sameAsFirst(_self: ModuleObject, args: Args): Value {
  const x = args.positional[0];
  return x instanceof Tensor ? new Tensor(x.shape) : new Tensor(null);
}

/** MultiheadAttention and the Transformer layers, built from the standard layers as PyTorch builds them. */
export function transformerClasses(classes: Classes): Classes {
  const out: Classes = new Map();
  const linear = classes.get('Linear')!;
  const outProj = new ClassValue('NonDynamicallyQuantizableLinear', [linear], null, null);
  classes.set('NonDynamicallyQuantizableLinear', outProj);

  out.set('MultiheadAttention', new ClassValue('MultiheadAttention', [MODULE_CLASS], null, null, {
    isModule: true,
    init(self, args, ip) {
      const a = bindNative('MultiheadAttention', [['embed_dim', REQUIRED], ['num_heads', REQUIRED], ['dropout', 0], ['bias', true], ['add_bias_kv', false], ['add_zero_attn', false], ['kdim', null], ['vdim', null], ['batch_first', false], ['device', null], ['dtype', null]], args);
      const m = self as ModuleObject;
      const e = a.get('embed_dim')!;
      const kdim = a.get('kdim') ?? e;
      const vdim = a.get('vdim') ?? e;
      const together = asInt(kdim) === asInt(e) && asInt(vdim) === asInt(e);
      if (together) registerParameter(m, 'in_proj_weight', [asInt(e) === null ? e : 3n * asInt(e)!, e]);
      else {
        registerParameter(m, 'q_proj_weight', [e, e]);
        registerParameter(m, 'k_proj_weight', [e, kdim]);
        registerParameter(m, 'v_proj_weight', [e, vdim]);
      }
      const bias = truthyStatic(a.get('bias')!) !== false;
      if (bias) registerParameter(m, 'in_proj_bias', [asInt(e) === null ? e : 3n * asInt(e)!]);
      if (truthyStatic(a.get('add_bias_kv')!) === true) {
        registerParameter(m, 'bias_k', [1n, 1n, e]);
        registerParameter(m, 'bias_v', [1n, 1n, e]);
      }
      m.modules.set('out_proj', ip.instantiate(outProj, { positional: [e, e], keywords: new Map([['bias', bias]]) }, null) as ModuleObject);
    },
    forward: (_self, args) => tupleOf([sameAsFirst(_self, args), new Tensor(null)]),
  }));
  const all = new Map([...classes, ...out]);
  for (const decoder of [false, true]) {
    const name = decoder ? 'TransformerDecoderLayer' : 'TransformerEncoderLayer';
    out.set(name, new ClassValue(name, [MODULE_CLASS], null, null, {
      isModule: true,
      init(self, args, ip) {
        const a = bindNative(name, [['d_model', REQUIRED], ['nhead', REQUIRED], ['dim_feedforward', 2048n], ['dropout', 0.1], ['activation', 'relu'], ['layer_norm_eps', 1e-5], ['batch_first', false], ['norm_first', false], ['device', null], ['dtype', null]], args);
        const m = self as ModuleObject;
        const [d, h, ff] = [a.get('d_model')!, a.get('nhead')!, a.get('dim_feedforward')!];
        const eps = a.get('layer_norm_eps')!;
        m.modules.set('self_attn', child(ip, all, 'MultiheadAttention', [d, h]));
        if (decoder) m.modules.set('multihead_attn', child(ip, all, 'MultiheadAttention', [d, h]));
        m.modules.set('linear1', child(ip, all, 'Linear', [d, ff]));
        m.modules.set('dropout', child(ip, all, 'Dropout', []));
        m.modules.set('linear2', child(ip, all, 'Linear', [ff, d]));
        for (const i of decoder ? [1, 2, 3] : [1, 2]) m.modules.set(`norm${i}`, child(ip, all, 'LayerNorm', [d], { eps }));
        for (const i of decoder ? [1, 2, 3] : [1, 2]) m.modules.set(`dropout${i}`, child(ip, all, 'Dropout', []));
      },
      forward: sameAsFirst,
    }));
  }
  for (const name of ['TransformerEncoder', 'TransformerDecoder']) {
    out.set(name, new ClassValue(name, [MODULE_CLASS], null, null, {
      isModule: true,
      init(self, args, ip) {
        const layerName = name === 'TransformerEncoder' ? 'encoder_layer' : 'decoder_layer';
        const a = bindNative(name, [[layerName, REQUIRED], ['num_layers', REQUIRED], ['norm', null], ['enable_nested_tensor', true], ['mask_check', true]], args);
        const m = self as ModuleObject;
        const layer = a.get(layerName);
        const n = asInt(a.get('num_layers')!);
        const list = new ModuleObject(MODULE_LIST_CLASS);
        if (layer instanceof ModuleObject && n !== null) for (let i = 0n; i < n; i++) list.modules.set(String(i), cloneModule(layer));
        m.modules.set('layers', list);
        m.attrs.set('num_layers', a.get('num_layers')!);
        const norm = a.get('norm');
        if (norm instanceof ModuleObject) m.modules.set('norm', norm);
        else m.attrs.set('norm', null);
        void ip;
      },
      forward: sameAsFirst,
    }));
  }
  return out;
}
