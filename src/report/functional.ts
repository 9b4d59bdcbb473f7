import type { ModelAnalysis } from '../analysis/types';
import { withCommas } from '../core';

/**
 * The convolutions forward ran outside conv layers (F.conv2d on a weight no conv layer owns), in
 * one sentence, or null: they are in no row and not in the conv MACs, which count conv layers.
 */
export function functionalText(model: ModelAnalysis): string | null {
  const f = model.functionalConvs;
  if (!f) return null;
  const count = `${f.complete ? '' : 'at least '}${f.calls} convolution${f.calls === 1 ? '' : 's'}`;
  const where = f.line !== null ? `, first at line ${f.line}` : '';
  const macs = f.macs !== null ? `${withCommas(f.macs)} MACs` : 'MACs unknown';
  return `also ran ${count} outside conv layers (F.conv*d${where}): ${macs}, not in the conv MACs above`;
}
