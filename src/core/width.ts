/**
 * MobileNet's width multiplier rounding, as torchvision's `_make_divisible` and timm's
 * `make_divisible` do it: the nearest multiple of `divisor` (ties up), at least `minValue`
 * (default `divisor`), and never more than 10% below `value`. `value` is computed in doubles,
 * as Python computes `channels * multiplier`.
 */
export function makeDivisible(value: number, divisor: number, minValue: number = divisor): bigint {
  if (!Number.isFinite(value) || !Number.isInteger(divisor) || divisor <= 0) throw new RangeError(`makeDivisible(${value}, ${divisor})`);
  let rounded = Math.max(minValue, Math.floor(Math.trunc(value + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * value) rounded += divisor;
  return BigInt(rounded);
}

/** A channel count times a width multiplier, rounded by makeDivisible. */
export function scaledWidth(channels: bigint, multiplier: number, divisor: number): bigint {
  return makeDivisible(Number(channels) * multiplier, divisor);
}
