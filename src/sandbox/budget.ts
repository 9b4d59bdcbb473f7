import { ConvSpec, computeLayer, humanizeBytes } from '../core';
import { ConvGeometry, equivalentConv, planKernel, tensorSizes } from '../kernel';
import { SandboxVariantRequest } from '../protocol/sandbox';
import { PlannedVariant, planVariants } from './layers';

/** The kernel's own data below its buffers, and the rounding of memory to 64 KiB pages. */
const WASM_BASE_BYTES = 64 * 1024;
const WASM_PAGE = 64 * 1024;

/**
 * Bytes one prepared layer takes: every buffer of its kernel memory (as the kernel plans it, tap
 * offsets included), plus the weights the sandbox draws in JavaScript before they are packed. A
 * transposed layer runs as its equivalent conv, with its own input and a flipped copy of the
 * weights beside it. Arithmetic on the plan's sizes only: nothing is allocated, whatever the
 * kernel size, so a refusal of a huge layer is immediate.
 */
export function layerBytes(g: ConvGeometry): number {
  if (g.transposed) return layerBytes(equivalentConv(g)) + (tensorSizes(g).input + tensorSizes(g).weight) * 4;
  const plan = planKernel(g);
  const f = plan.floats;
  // Tap offsets are 4-byte integers, as floats are 4 bytes.
  const kernelFloats = plan.tapCount + f.packed + f.bias + f.input + f.inputSlack + f.output + f.prep + f.vout;
  // The kernel aligns each of its 8 buffers to 16 bytes.
  const kernel = Math.ceil((WASM_BASE_BYTES + kernelFloats * 4 + 8 * 16) / WASM_PAGE) * WASM_PAGE;
  const sizes = tensorSizes(g);
  return kernel + (sizes.weight + sizes.bias) * 4;
}

export function variantBytes(variant: PlannedVariant): number {
  return variant.layers.reduce((sum, layer) => sum + layerBytes(layer.geometry), 0);
}

/**
 * Bytes the timed runs need: every column is prepared before timing starts (and WebAssembly
 * memories are freed only when garbage-collected), so all of them count as live at once. The
 * equivalence checks run afterwards on small inputs, each skipped if it alone would not fit.
 */
export function runBytes(variants: readonly PlannedVariant[]): number {
  return variants.reduce((sum, v) => sum + variantBytes(v), 0);
}

export type Fit =
  | { fits: true; needBytes: number }
  | { fits: false; needBytes: number; suggestion: bigint[] | null; tooLarge: string[]; message: string };

/**
 * Whether running `requests` on `input` fits `budgetBytes`. When it does not, halves the spatial
 * size (then drops the batch to 1) until it fits, and offers that input; null when no input fits
 * (the weights alone are too large) or no smaller input still gives a valid forward.
 */
export function fitBudget(spec: ConvSpec, input: readonly bigint[], requests: readonly SandboxVariantRequest[], budgetBytes: number): Fit {
  const need = (shape: readonly bigint[]): number | null => {
    const planned = planVariants(spec, shape, requests);
    return planned.ok ? runBytes(planned.value) : null;
  };
  const needBytes = need(input) ?? 0;
  if (needBytes <= budgetBytes) return { fits: true, needBytes };
  let shape = [...input];
  let suggestion: bigint[] | null = null;
  for (let step = 0; step < 64 && suggestion === null; step++) {
    const smaller = shrink(spec, shape);
    if (!smaller) break;
    shape = smaller;
    const bytes = need(shape);
    if (bytes !== null && bytes <= budgetBytes) suggestion = shape;
  }
  const over = suggestion ? [] : largestToDrop(spec, shape, requests, budgetBytes);
  const fix = suggestion ? ` An input of ${suggestion.join('x')} fits.`
    : over.length === 0 ? ' No smaller input fits.'
      : ` No smaller input fits, mostly for weights: ${over.map((v) => `${v.title} needs ${bytes(variantBytes(v))}`).join(', ')}; the other columns fit without ${over.length === 1 ? 'it' : 'them'}.`;
  return {
    fits: false,
    needBytes,
    suggestion,
    tooLarge: over.map((v) => v.id),
    message: `Not run: this would need about ${bytes(needBytes)} for tensors, over the sandbox's budget of ${bytes(budgetBytes)} (setting convLens.sandbox.memoryBudgetMB).${fix}`,
  };
}

const bytes = (b: number): string => humanizeBytes(BigInt(Math.round(b)));

/**
 * The largest columns to leave out so the others fit at the smallest input (e.g. the dense
 * version of a huge depthwise layer); none when even one column alone would not fit.
 */
function largestToDrop(spec: ConvSpec, smallest: readonly bigint[], requests: readonly SandboxVariantRequest[], budgetBytes: number): PlannedVariant[] {
  const planned = planVariants(spec, smallest, requests);
  if (!planned.ok) return [];
  const bySize = [...planned.value].sort((a, b) => variantBytes(b) - variantBytes(a));
  let total = runBytes(bySize);
  const dropped: PlannedVariant[] = [];
  while (total > budgetBytes && bySize.length > 1) {
    const largest = bySize.shift()!;
    dropped.push(largest);
    total -= variantBytes(largest);
  }
  return total <= budgetBytes ? dropped : [];
}

/** The next smaller input: every spatial size halved (rounded up), or else a batch of 1. */
function shrink(spec: ConvSpec, shape: readonly bigint[]): bigint[] | null {
  const rank = spec.kernel_size.length;
  const spatial = shape.slice(-rank);
  const halved = [...shape.slice(0, -rank), ...spatial.map((d) => (d + 1n) / 2n)];
  if (halved.some((d, i) => d !== shape[i]) && computeLayer(spec, halved).forward_error === null) return halved;
  if (shape.length === rank + 2 && shape[0] > 1n) return [1n, ...shape.slice(1)];
  return null;
}
