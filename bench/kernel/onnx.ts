import { ConvGeometry } from '../../src/kernel';

/**
 * A one-node ONNX model (Conv with weights and bias as initializers) written as protobuf by hand,
 * so the benchmark needs no ONNX tooling. Field numbers are those of onnx.proto3: ModelProto
 * (ir_version 1, graph 7, opset_import 8), GraphProto (node 1, name 2, initializer 5, input 11,
 * output 12), NodeProto (input 1, output 2, op_type 4, attribute 5), AttributeProto (name 1,
 * ints 8, type 20), TensorProto (dims 1, data_type 2, name 8, raw_data 9), ValueInfoProto
 * (name 1, type 2).
 */
export function convModel(g: ConvGeometry, weight: Float32Array, bias: Float32Array): Uint8Array {
  const spatial = (s: readonly number[]): number[] => s.slice(3 - g.rank);
  const kernel = spatial(g.kernel);
  const node = message([
    strings(1, ['x', 'w', 'b']),
    strings(2, ['y']),
    string(4, 'Conv'),
    ...[
      intsAttribute('kernel_shape', kernel),
      intsAttribute('strides', spatial(g.stride)),
      intsAttribute('dilations', spatial(g.dilation)),
      intsAttribute('pads', [...spatial(g.padBefore), ...spatial(g.padAfter)]),
      intAttribute('group', g.groups),
    ].map((a) => bytesField(5, a)),
  ]);
  const inputShape = [g.batch, g.inChannels, ...spatial(g.inSize)];
  const outputShape = [g.batch, g.outChannels, ...spatial(g.outSize)];
  const graph = message([
    bytesField(1, node),
    string(2, 'conv'),
    bytesField(5, tensor('w', [g.outChannels, g.inChannels / g.groups, ...kernel], weight)),
    bytesField(5, tensor('b', [g.outChannels], bias)),
    bytesField(11, valueInfo('x', inputShape)),
    bytesField(12, valueInfo('y', outputShape)),
  ]);
  const opset = message([string(1, ''), varintField(2, 13)]);
  return message([varintField(1, 7), bytesField(7, graph), bytesField(8, opset)]);
}

function tensor(name: string, dims: number[], data: Float32Array): Uint8Array {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return message([...dims.map((d) => varintField(1, d)), varintField(2, 1), string(8, name), bytesField(9, raw)]);
}

function valueInfo(name: string, shape: number[]): Uint8Array {
  const dims = shape.map((d) => bytesField(1, message([varintField(1, d)])));
  const tensorType = message([varintField(1, 1), bytesField(2, message(dims))]);
  return message([string(1, name), bytesField(2, message([bytesField(1, tensorType)]))]);
}

function intsAttribute(name: string, values: number[]): Uint8Array {
  return message([string(1, name), ...values.map((v) => varintField(8, v)), varintField(20, 7)]);
}

function intAttribute(name: string, value: number): Uint8Array {
  return message([string(1, name), varintField(3, value), varintField(20, 2)]);
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function varintField(field: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(field << 3), ...varint(value)]);
}

function bytesField(field: number, bytes: Uint8Array): Uint8Array {
  return message([Uint8Array.from([...varint((field << 3) | 2), ...varint(bytes.length)]), bytes]);
}

function string(field: number, text: string): Uint8Array {
  return bytesField(field, new TextEncoder().encode(text));
}

function strings(field: number, texts: string[]): Uint8Array {
  return message(texts.map((t) => string(field, t)));
}

function message(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
