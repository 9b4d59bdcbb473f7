import { ConvSpec } from './spec';

/** The module's repr exactly as PyTorch prints it, e.g. `Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))`. */
export function torchRepr(spec: ConvSpec): string {
  const tupleText = (values: bigint[]): string => (values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`);
  const parts = [`${spec.in_channels}`, `${spec.out_channels}`, `kernel_size=${tupleText(spec.kernel_size)}`, `stride=${tupleText(spec.stride)}`];
  if (typeof spec.padding === 'string') parts.push(`padding=${spec.padding}`);
  else if (spec.padding.some((p) => p !== 0n)) parts.push(`padding=${tupleText(spec.padding)}`);
  if (spec.dilation.some((d) => d !== 1n)) parts.push(`dilation=${tupleText(spec.dilation)}`);
  if (spec.transposed && spec.output_padding.some((p) => p !== 0n)) parts.push(`output_padding=${tupleText(spec.output_padding)}`);
  if (spec.groups !== 1n) parts.push(`groups=${spec.groups}`);
  if (!spec.bias) parts.push('bias=False');
  if (spec.padding_mode !== 'zeros') parts.push(`padding_mode=${spec.padding_mode}`);
  return `${spec.type}(${parts.join(', ')})`;
}
