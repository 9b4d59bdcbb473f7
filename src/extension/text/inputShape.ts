import { tupleParts, wholeNumber } from '../../core';

/**
 * Input shapes typed by the user: "1, 3, 224, 224", "[1, 3, 224, 224]" or "(3, 224, 224)".
 * Batched (N, C, ...) and unbatched (C, ...) shapes are both accepted, as PyTorch does.
 */
export type ShapeParse = { ok: true; shape: bigint[] } | { ok: false; message: string };

export function parseInputShape(text: string): ShapeParse {
  const parts = tupleParts(text);
  if (parts.length === 0) return { ok: false, message: 'Give a shape such as 1, 3, 224, 224' };
  if (parts.length < 2 || parts.length > 5) return { ok: false, message: 'A conv input has 2 to 5 dimensions: (C, L) up to (N, C, D, H, W)' };
  const shape: bigint[] = [];
  for (const part of parts) {
    const value = wholeNumber(part);
    if (value === null) return { ok: false, message: `Not a whole number: ${part}` };
    if (value <= 0n) return { ok: false, message: 'Every dimension must be at least 1' };
    shape.push(value);
  }
  return { ok: true, shape };
}

/** "1, 3, 224, 224": how shapes are stored and shown in the input box. */
export function shapeToText(shape: readonly bigint[]): string {
  return shape.join(', ');
}

/** Spatial sizes of a guessed input, by conv dimensions: ImageNet's 224 for images, a short clip for video. */
const GUESSED_SIZES: Record<number, bigint[]> = { 1: [1024n], 2: [224n, 224n], 3: [16n, 112n, 112n] };

/**
 * A shape to prefill the Set Input Shape prompt with when none is known: batch 1, the
 * in_channels of the first conv layer that has a record, and a common size for its dimensions.
 * Only a suggestion in an input box the user confirms; never fed to the analysis by itself.
 */
export function guessInputShape(models: ReadonlyArray<{ layers: ReadonlyArray<{ record: { spec: { in_channels: bigint; kernel_size: bigint[] } } | null }> }>): bigint[] | null {
  for (const model of models) {
    const first = model.layers.find((l) => l.record)?.record;
    const sizes = first ? GUESSED_SIZES[first.spec.kernel_size.length] : undefined;
    if (first && sizes) return [1n, first.spec.in_channels, ...sizes];
  }
  return null;
}
