import { ConvRecord } from './record';

/** A sum over a model's conv records: exact, or null (unknown) with how many layers blocked it. */
export interface RecordSum {
  value: bigint | null;
  /** Layers whose figure is unknown; the sum is null when there is any. */
  unknown: number;
}

/** What a model's conv layers weigh and cost, summed from their records (never recomputed). */
export interface RecordTotals {
  params: RecordSum;
  macs: RecordSum;
  flops: RecordSum;
  biasAdds: RecordSum;
  denseParams: RecordSum;
  denseMacs: RecordSum;
  /** fp32 bytes of every conv weight and bias. */
  weightBytes: RecordSum;
  /** The largest fp32 input plus output of one layer: what a layer-by-layer run holds at once. */
  peakActivationBytes: RecordSum;
}

type Figure = (record: ConvRecord) => bigint | null;

function sum(records: ReadonlyArray<ConvRecord | null>, figure: Figure): RecordSum {
  let value = 0n;
  let unknown = 0;
  for (const record of records) {
    const v = record ? figure(record) : null;
    if (v === null) unknown++;
    else value += v;
  }
  return { value: unknown === 0 ? value : null, unknown };
}

function peak(records: ReadonlyArray<ConvRecord | null>): RecordSum {
  let value = 0n;
  let unknown = 0;
  for (const record of records) {
    const m = record?.memory.fp32;
    if (!m || m.input_bytes === null || m.output_bytes === null) unknown++;
    else if (m.input_bytes + m.output_bytes > value) value = m.input_bytes + m.output_bytes;
  }
  return { value: unknown === 0 ? value : null, unknown };
}

/** Totals of a list of conv records; a null record (arguments unknown, or PyTorch rejects it) makes every sum unknown. */
export function recordTotals(records: ReadonlyArray<ConvRecord | null>): RecordTotals {
  return {
    params: sum(records, (r) => r.params),
    macs: sum(records, (r) => r.macs),
    flops: sum(records, (r) => r.flops),
    biasAdds: sum(records, (r) => r.bias_adds),
    denseParams: sum(records, (r) => r.dense_params),
    denseMacs: sum(records, (r) => r.dense_macs),
    weightBytes: sum(records, (r) => r.memory.fp32.weight_bytes),
    peakActivationBytes: peak(records),
  };
}
