/** Human-readable numbers, with the exact digits always one call away. */

/** 1234567n -> "1,234,567". */
export function withCommas(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return negative ? `-${grouped}` : grouped;
}

const SCALES: Array<[bigint, string]> = [
  [10n ** 18n, 'E'],
  [10n ** 15n, 'P'],
  [10n ** 12n, 'T'],
  [10n ** 9n, 'G'],
  [10n ** 6n, 'M'],
  [10n ** 3n, 'K'],
];

/**
 * 1234567n -> "1.23M", 999n -> "999". Rounds half up to `digits` significant digits, exactly
 * (in bigint), and moves to the next suffix when rounding reaches a thousand: 999_999n -> "1M".
 */
export function humanize(value: bigint, digits = 3): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const index = SCALES.findIndex(([scale]) => abs >= scale);
  if (index < 0) return value.toString();
  const [scale, suffix] = SCALES[index];
  const decimals = Math.max(0, digits - (abs / scale).toString().length);
  const unit = 10n ** BigInt(decimals);
  const rounded = (abs * unit * 2n + scale) / (scale * 2n);
  // Rounding 999.6K up gives 1000K, which reads better as the next suffix's 1M.
  if (rounded >= 1000n * unit && index > 0) return `${sign}1${SCALES[index - 1][1]}`;
  return `${sign}${fixedPoint(rounded, decimals)}${suffix}`;
}

/** An integer scaled by 10^decimals, written with its decimals and no trailing zeros: (1230n, 3) -> "1.23". */
function fixedPoint(scaled: bigint, decimals: number): string {
  if (decimals === 0) return scaled.toString();
  const text = scaled.toString().padStart(decimals + 1, '0');
  const point = text.length - decimals;
  const fraction = text.slice(point).replace(/0+$/, '');
  return fraction ? `${text.slice(0, point)}.${fraction}` : text.slice(0, point);
}

/** "1.2M params", "3.4 GMACs": a count with its unit. */
export function humanizeUnit(value: bigint, unit: string): string {
  const text = humanize(value);
  const scaled = /[A-Z]$/.test(text);
  if (unit === 'params') return `${text} params`;
  return scaled ? `${text.slice(0, -1)} ${text.slice(-1)}${unit}` : `${text} ${unit}`;
}

export function humanizeBytes(bytes: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];
  let value = Number(bytes);
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  if (i === 0) return `${bytes} B`;
  // Past the largest unit the figure is only an order of magnitude: say so in exponent form.
  if (value >= 1024) return `${value.toPrecision(3)} ${units[i]}`;
  const text = trimNumber(value, 3);
  // 1023.9 KiB rounds to "1024 KiB", which reads better as 1 MiB.
  return text === '1024' && i < units.length - 1 ? `1 ${units[i + 1]}` : `${text} ${units[i]}`;
}

/** 7.999 -> "8.00x" style factors: "8x" when whole, otherwise two decimals. */
export function formatFactor(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value - Math.round(value)) < 1e-9) return `${Math.round(value)}x`;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(2)}x`;
}

export function formatShape(shape: readonly bigint[] | null): string {
  return shape ? `[${shape.join(', ')}]` : '?';
}

function trimNumber(value: number, digits: number): string {
  const fixed = value >= 100 ? value.toFixed(Math.max(0, digits - 3)) : value >= 10 ? value.toFixed(Math.max(0, digits - 2)) : value.toFixed(Math.max(0, digits - 1));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
