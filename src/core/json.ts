import { ConvError } from './errors';
import { ConvRecord } from './record';

/** JSON values whose integers may be bigints; `toJson` writes those as exact JSON integers. */
export type JsonValue = bigint | number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/** JSON.stringify that writes bigints as exact integers (JSON itself has no size limit on them). */
export function toJson(value: JsonValue, indent = 0): string {
  return write(value, indent, '');
}

function write(value: JsonValue | undefined, indent: number, pad: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  const inner = indent > 0 ? pad + ' '.repeat(indent) : '';
  const nl = indent > 0 ? '\n' : '';
  const sep = indent > 0 ? ': ' : ':';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    // Short arrays of scalars (shapes, tuples) stay on one line.
    if (value.every((v) => typeof v !== 'object' || v === null)) return `[${value.map((v) => write(v, 0, '')).join(', ')}]`;
    return `[${nl}${value.map((v) => inner + write(v, indent, inner)).join(`,${nl}`)}${nl}${pad}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{${nl}${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}${sep}${write(v, indent, inner)}`).join(`,${nl}`)}${nl}${pad}}`;
}

/** A layer as JSON, with PyTorch's attribute names and our derived figures beside them. */
export function recordToJson(record: ConvRecord): { [key: string]: JsonValue } {
  const s = record.spec;
  return {
    type: s.type,
    in_channels: s.in_channels,
    out_channels: s.out_channels,
    kernel_size: s.kernel_size,
    stride: s.stride,
    padding: s.padding,
    dilation: s.dilation,
    ...(s.transposed ? { output_padding: s.output_padding } : {}),
    groups: s.groups,
    bias: s.bias,
    padding_mode: s.padding_mode,
    weight_shape: record.weight_shape,
    bias_shape: record.bias_shape,
    params: record.params,
    macs: record.macs,
    flops: record.flops,
    bias_adds: record.bias_adds,
    input_shape: record.input_shape,
    output_shape: record.output_shape,
    dense_params: record.dense_params,
    dense_macs: record.dense_macs,
    savings: record.savings,
    kind: record.kind,
    valid_groups: record.valid_groups,
    valid_groups_count: record.valid_groups_count,
    memory_fp32: {
      weight_bytes: record.memory.fp32.weight_bytes,
      input_bytes: record.memory.fp32.input_bytes,
      output_bytes: record.memory.fp32.output_bytes,
      arithmetic_intensity: record.memory.fp32.arithmetic_intensity,
    },
    error: record.forward_error ? errorToJson(record.forward_error) : null,
  };
}

export function errorToJson(error: ConvError): { [key: string]: JsonValue } {
  return { phase: error.phase, exception: error.exception, message: error.message };
}
