import { ConvRecord, humanizeBytes, withCommas } from '../../core';

/** Weights beyond this many bytes get a note: more than any single accelerator holds today. */
const HUGE_WEIGHT_BYTES = 80n * 2n ** 30n;

/** Plain-language notes that explain surprising figures: huge layers, partial lists, failures. */
export function layerNotes(record: ConvRecord, inputAssumed: boolean): string[] {
  const notes: string[] = [];
  if (inputAssumed) notes.push(`The input shape is not known from the code, so ${record.input_shape ? `[${record.input_shape.join(', ')}]` : 'a default'} is assumed; change "Input size" to match yours.`);
  if (record.forward_error) notes.push(`PyTorch would raise on this input: ${record.forward_error.exception}: ${record.forward_error.message}`);
  if (!record.valid_groups_complete && record.valid_groups_count !== null) {
    notes.push(`There are ${withCommas(record.valid_groups_count)} valid groups values, too many to list: the groups list holds 1, gcd(in_channels, out_channels) and the ${withCommas(BigInt(record.valid_groups.length - 2))} values found nearest groups=${record.spec.groups}.`);
  } else if (!record.valid_groups_complete) {
    notes.push(`gcd(in_channels, out_channels) is too large to factor completely, so the groups list holds the divisors found below 2,000,000 and their cofactors (${withCommas(BigInt(record.valid_groups.length))} values).`);
  }
  const weights = record.memory.fp32.weight_bytes;
  if (weights > HUGE_WEIGHT_BYTES) notes.push(`The fp32 weights alone take ${humanizeBytes(weights)}, more than any single accelerator's memory.`);
  if (record.valid_groups.length === 1 && record.spec.in_channels > 1n) {
    notes.push(`in_channels (${withCommas(record.spec.in_channels)}) and out_channels (${withCommas(record.spec.out_channels)}) share no factor, so groups=1 is the only value PyTorch accepts.`);
  }
  return notes;
}
