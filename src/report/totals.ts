import type { ModelAnalysis } from '../analysis/types';

/** Figures of the whole model that the records carry layer by layer. */
export interface RecordTotals {
  /** The convs' FLOPs: the sum of each record's flops. */
  flops: bigint | null;
  /** The same convs with groups=1: the sums of each record's dense figures. */
  dense_params: bigint | null;
  dense_macs: bigint | null;
}

/**
 * Sums read from the layers' records, never recomputed from MACs or specs; each is null when a
 * layer's figure is unknown or the model may hold layers the analysis could not see (a partial
 * sum would mislead).
 */
export function denseTotals(model: ModelAnalysis): RecordTotals {
  const sum = (pick: (r: NonNullable<ModelAnalysis['layers'][number]['record']>) => bigint | null): bigint | null => {
    if (model.totals.incomplete) return null;
    let total = 0n;
    for (const layer of model.layers) {
      const v = layer.record ? pick(layer.record) : null;
      if (v === null) return null;
      total += v;
    }
    return total;
  };
  return { flops: sum((r) => r.flops), dense_params: sum((r) => r.dense_params), dense_macs: sum((r) => r.dense_macs) };
}
