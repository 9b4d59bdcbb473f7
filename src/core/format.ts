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

/** 1234567n -> "1.23M", 999n -> "999". Rounds to `digits` significant digits at most. */
export function humanize(value: bigint, digits = 3): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  for (const [scale, suffix] of SCALES) {
    if (abs >= scale) {
      const scaled = Number((abs * 1000n) / scale) / 1000;
      return `${negative ? '-' : ''}${trimNumber(scaled, digits)}${suffix}`;
    }
  }
  return value.toString();
}

/** "1.2M params", "3.4 GMACs": a count with its unit. */
export function humanizeUnit(value: bigint, unit: string): string {
  const text = humanize(value);
  const scaled = /[A-Z]$/.test(text);
  if (unit === 'params') return `${text} params`;
  return scaled ? `${text.slice(0, -1)} ${text.slice(-1)}${unit}` : `${text} ${unit}`;
}

export function humanizeBytes(bytes: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = Number(bytes);
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${trimNumber(value, 3)} ${units[i]}`;
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
