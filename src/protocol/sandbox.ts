/**
 * The sandbox run's messages: between the comparison page and its Web Worker (which runs the
 * WebAssembly kernel), and the one setting the extension host sends the page. Every side
 * validates what it receives with the parse functions here and acts only on what they return.
 *
 * Exact integers (shapes, MACs) travel as decimal strings, as in the comparison protocol;
 * timings and ratios are plain numbers.
 */
import { WireSpec, parseHostMessage } from './compare';
import { Parsed, ProtocolError, WireInt, boolean, count, guarded, list, object, oneOf, onlyKeys, text as checkedText, wireInt } from './validate';

export type { Parsed };

export type SimdFlavour = 'relaxed-simd' | 'simd';

/** One column of the comparison to run: a conv with this groups value, or the separable pair (groups null). */
export interface SandboxVariantRequest {
  id: string;
  title: string;
  groups: WireInt | null;
}

export interface SandboxTiming {
  /** Untimed runs before measuring (compilation tiers, caches). */
  warmup: number;
  /** Timed runs; the median is reported. */
  repeats: number;
  /** A variant stops repeating once this much time went into it (after at least 3 runs). */
  maxMsPerVariant: number;
}

export interface SandboxRunRequest {
  spec: WireSpec;
  /** The batched input shape to run, [N, C, ...spatial]. */
  input: WireInt[];
  variants: SandboxVariantRequest[];
  budgetBytes: number;
  timing: SandboxTiming;
}

/** One conv of a whole-model run: the layer as the analysis found it, on its input shape. */
export interface ModelRunLayerRequest {
  id: string;
  title: string;
  spec: WireSpec;
  input: WireInt[];
}

/** The model view's whole-model run: every conv, one at a time, each under the memory budget. */
export interface ModelRunRequest {
  layers: ModelRunLayerRequest[];
  budgetBytes: number;
  timing: SandboxTiming;
}

/** One layer of a whole-model run: its time, or why it did not run. */
export interface ModelRunLayerResult {
  id: string;
  /** Null when the layer did not run (see skipped). */
  medianMs: number | null;
  runs: number;
  gflops: number | null;
  macs: WireInt;
  /** FLOPs per byte moved (fp32), from the core's record. */
  intensity: number | null;
  /** Bytes the run of this layer needed (the budget applies to each layer alone). */
  needBytes: number;
  skipped: string | null;
}

export type WorkerRequest =
  | { type: 'init'; simd: Uint8Array; relaxed: Uint8Array | null }
  | { type: 'run'; runId: number; request: SandboxRunRequest }
  | { type: 'runModel'; runId: number; request: ModelRunRequest };

export interface VariantResult {
  id: string;
  title: string;
  medianMs: number;
  /** Runs timed in all: samples x runs per sample. */
  runs: number;
  /** 2 x MACs / median time, in units of 10^9 per second. */
  gflops: number;
  macs: WireInt;
  /** Dense MACs / this variant's MACs (null for dense itself and when there is no dense column). */
  countedRatio: number | null;
  /** Dense median time / this variant's median time. */
  measuredSpeedup: number | null;
  /** FLOPs per byte moved (fp32), from the core's record. */
  intensity: number | null;
  /** Why the measured speedup differs from the counted ratio, or that they agree. */
  explanation: string;
  predictedOutput: WireInt[];
  producedOutput: WireInt[];
}

export interface CheckResult {
  id: string;
  title: string;
  /** The input shape the check ran on (often smaller than the layer's). */
  input: WireInt[];
  maxError: number;
  tolerance: number;
  passed: boolean;
  /** Why the check did not run, when it did not (then passed is false and maxError 0). */
  skipped: string | null;
}

export interface SandboxResult {
  flavour: SimdFlavour;
  input: WireInt[];
  variants: VariantResult[];
  checks: CheckResult[];
}

export type WorkerReply =
  | { type: 'loaded'; flavour: SimdFlavour }
  | { type: 'loadFailed'; message: string }
  | { type: 'progress'; runId: number; done: number; total: number; label: string }
  | { type: 'refused'; runId: number; message: string; needBytes: number; budgetBytes: number; suggestion: WireInt[] | null; tooLarge: string[] }
  | { type: 'result'; runId: number; result: SandboxResult }
  | { type: 'layerDone'; runId: number; layer: ModelRunLayerResult }
  | { type: 'modelDone'; runId: number; flavour: SimdFlavour }
  | { type: 'failed'; runId: number; message: string };

/** What the extension host tells the page about the sandbox (from the user's settings). */
export interface SandboxSettingsMessage {
  type: 'sandboxSettings';
  memoryBudgetMB: number;
}

export const SANDBOX_SETTINGS_TYPE = 'sandboxSettings';
export const DEFAULT_MEMORY_BUDGET_MB = 512;
/** The setting's bounds: below 16 MB nothing useful runs; above 4096 MB wasm32 cannot address it. */
export const MIN_MEMORY_BUDGET_MB = 16;
export const MAX_MEMORY_BUDGET_MB = 4096;


// ---------------------------------------------------------------------------------------------
// Validation.


const MAX_TEXT = 2000;
const MAX_VARIANTS = 16;
const MAX_CHECKS = 16;
const MAX_REPEATS = 1000;
/** A fast layer is timed in samples of up to this many back-to-back runs (see src/sandbox/timing.ts). */
export const MAX_RUNS_PER_SAMPLE = 1024;

function text(value: unknown, where: string, max = MAX_TEXT): string {
  return checkedText(value, where, max);
}

function finite(value: unknown, where: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new ProtocolError(`${where}: expected a finite number >= ${min}`);
  return value;
}


function nullable<T>(value: unknown, read: (v: unknown) => T): T | null {
  return value === null ? null : read(value);
}

/** A shape: 1 to 8 non-negative decimal integers. */
function shape(value: unknown, where: string, minLength = 1): WireInt[] {
  if (!Array.isArray(value) || value.length < minLength || value.length > 8) throw new ProtocolError(`${where}: expected ${minLength} to 8 integers`);
  return value.map((v, i) => {
    const d = wireInt(v, `${where}[${i}]`);
    if (d.startsWith('-')) throw new ProtocolError(`${where}[${i}]: negative dimension`);
    return d;
  });
}


function bytes(value: unknown, where: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length === 0) throw new ProtocolError(`${where}: expected non-empty bytes`);
  return value;
}

/** The comparison protocol already validates a layer's spec; the sandbox reuses that check unchanged. */
function spec(value: unknown, where: string): WireSpec {
  const parsed = parseHostMessage({ type: 'showLayer', layer: { spec: value, input: null, source: null } });
  if (!parsed.ok) throw new ProtocolError(`${where}: ${parsed.error.replace(/^showLayer\.layer\.spec:?\s*/, '')}`);
  if (parsed.value.type !== 'showLayer') throw new ProtocolError(`${where}: not a layer`);
  return parsed.value.layer.spec;
}

function variantRequest(value: unknown, where: string): SandboxVariantRequest {
  const o = object(value, where);
  onlyKeys(o, ['id', 'title', 'groups'], where);
  const groups = nullable(o.groups, (v) => wireInt(v, `${where}.groups`));
  if (groups !== null && BigInt(groups) <= 0n) throw new ProtocolError(`${where}.groups: must be positive`);
  return { id: text(o.id, `${where}.id`, 100), title: text(o.title, `${where}.title`, 200), groups };
}

function runRequest(value: unknown, where: string): SandboxRunRequest {
  const o = object(value, where);
  onlyKeys(o, ['spec', 'input', 'variants', 'budgetBytes', 'timing'], where);
  const t = object(o.timing, `${where}.timing`);
  onlyKeys(t, ['warmup', 'repeats', 'maxMsPerVariant'], `${where}.timing`);
  const variants = list(o.variants, `${where}.variants`, MAX_VARIANTS, variantRequest);
  if (variants.length === 0) throw new ProtocolError(`${where}.variants: nothing to run`);
  return {
    spec: spec(o.spec, `${where}.spec`),
    input: shape(o.input, `${where}.input`, 3),
    variants,
    budgetBytes: count(o.budgetBytes, `${where}.budgetBytes`, 1),
    timing: {
      warmup: count(t.warmup, `${where}.timing.warmup`, 0, MAX_REPEATS),
      repeats: count(t.repeats, `${where}.timing.repeats`, 1, MAX_REPEATS),
      maxMsPerVariant: finite(t.maxMsPerVariant, `${where}.timing.maxMsPerVariant`, 1),
    },
  };
}

function variantResult(value: unknown, where: string): VariantResult {
  const o = object(value, where);
  onlyKeys(o, ['id', 'title', 'medianMs', 'runs', 'gflops', 'macs', 'countedRatio', 'measuredSpeedup', 'intensity', 'explanation', 'predictedOutput', 'producedOutput'], where);
  return {
    id: text(o.id, `${where}.id`, 100),
    title: text(o.title, `${where}.title`, 200),
    medianMs: finite(o.medianMs, `${where}.medianMs`),
    runs: count(o.runs, `${where}.runs`, 1, MAX_REPEATS * MAX_RUNS_PER_SAMPLE),
    gflops: finite(o.gflops, `${where}.gflops`),
    macs: wireInt(o.macs, `${where}.macs`),
    countedRatio: nullable(o.countedRatio, (v) => finite(v, `${where}.countedRatio`)),
    measuredSpeedup: nullable(o.measuredSpeedup, (v) => finite(v, `${where}.measuredSpeedup`)),
    intensity: nullable(o.intensity, (v) => finite(v, `${where}.intensity`)),
    explanation: text(o.explanation, `${where}.explanation`),
    predictedOutput: shape(o.predictedOutput, `${where}.predictedOutput`),
    producedOutput: shape(o.producedOutput, `${where}.producedOutput`),
  };
}

function checkResult(value: unknown, where: string): CheckResult {
  const o = object(value, where);
  onlyKeys(o, ['id', 'title', 'input', 'maxError', 'tolerance', 'passed', 'skipped'], where);
  return {
    id: text(o.id, `${where}.id`, 100),
    title: text(o.title, `${where}.title`, 300),
    input: shape(o.input, `${where}.input`),
    maxError: finite(o.maxError, `${where}.maxError`),
    tolerance: finite(o.tolerance, `${where}.tolerance`),
    passed: boolean(o.passed, `${where}.passed`),
    skipped: nullable(o.skipped, (v) => text(v, `${where}.skipped`)),
  };
}

function sandboxResult(value: unknown, where: string): SandboxResult {
  const o = object(value, where);
  onlyKeys(o, ['flavour', 'input', 'variants', 'checks'], where);
  return {
    flavour: oneOf(o.flavour, ['relaxed-simd', 'simd'] as const, `${where}.flavour`),
    input: shape(o.input, `${where}.input`, 3),
    variants: list(o.variants, `${where}.variants`, MAX_VARIANTS, variantResult),
    checks: list(o.checks, `${where}.checks`, MAX_CHECKS, checkResult),
  };
}

const MAX_MODEL_LAYERS = 5000;

function modelLayerRequest(value: unknown, where: string): ModelRunLayerRequest {
  const o = object(value, where);
  onlyKeys(o, ['id', 'title', 'spec', 'input'], where);
  return { id: text(o.id, `${where}.id`, 1000), title: text(o.title, `${where}.title`, 1000), spec: spec(o.spec, `${where}.spec`), input: shape(o.input, `${where}.input`, 3) };
}

function timing(value: unknown, where: string): SandboxTiming {
  const t = object(value, where);
  onlyKeys(t, ['warmup', 'repeats', 'maxMsPerVariant'], where);
  return {
    warmup: count(t.warmup, `${where}.warmup`, 0, MAX_REPEATS),
    repeats: count(t.repeats, `${where}.repeats`, 1, MAX_REPEATS),
    maxMsPerVariant: finite(t.maxMsPerVariant, `${where}.maxMsPerVariant`, 1),
  };
}

function modelRunRequest(value: unknown, where: string): ModelRunRequest {
  const o = object(value, where);
  onlyKeys(o, ['layers', 'budgetBytes', 'timing'], where);
  const layers = list(o.layers, `${where}.layers`, MAX_MODEL_LAYERS, modelLayerRequest);
  if (layers.length === 0) throw new ProtocolError(`${where}.layers: nothing to run`);
  return { layers, budgetBytes: count(o.budgetBytes, `${where}.budgetBytes`, 1), timing: timing(o.timing, `${where}.timing`) };
}

function modelLayerResult(value: unknown, where: string): ModelRunLayerResult {
  const o = object(value, where);
  onlyKeys(o, ['id', 'medianMs', 'runs', 'gflops', 'macs', 'intensity', 'needBytes', 'skipped'], where);
  return {
    id: text(o.id, `${where}.id`, 1000),
    medianMs: nullable(o.medianMs, (v) => finite(v, `${where}.medianMs`)),
    runs: count(o.runs, `${where}.runs`, 0, MAX_REPEATS * MAX_RUNS_PER_SAMPLE),
    gflops: nullable(o.gflops, (v) => finite(v, `${where}.gflops`)),
    macs: wireInt(o.macs, `${where}.macs`),
    intensity: nullable(o.intensity, (v) => finite(v, `${where}.intensity`)),
    needBytes: finite(o.needBytes, `${where}.needBytes`),
    skipped: nullable(o.skipped, (v) => text(v, `${where}.skipped`)),
  };
}

/** Validates a message the worker received from the page. */
export function parseWorkerRequest(data: unknown): Parsed<WorkerRequest> {
  return guarded(() => {
    const o = object(data, 'message');
    const type = oneOf(o.type, ['init', 'run', 'runModel'] as const, 'message.type');
    if (type === 'init') {
      onlyKeys(o, ['type', 'simd', 'relaxed'], 'init');
      return { type, simd: bytes(o.simd, 'init.simd'), relaxed: nullable(o.relaxed, (v) => bytes(v, 'init.relaxed')) };
    }
    if (type === 'runModel') {
      onlyKeys(o, ['type', 'runId', 'request'], type);
      return { type, runId: count(o.runId, 'runModel.runId'), request: modelRunRequest(o.request, 'runModel.request') };
    }
    onlyKeys(o, ['type', 'runId', 'request'], 'run');
    return { type, runId: count(o.runId, 'run.runId'), request: runRequest(o.request, 'run.request') };
  });
}

/** Validates a message the page received from the worker. */
export function parseWorkerReply(data: unknown): Parsed<WorkerReply> {
  return guarded(() => {
    const o = object(data, 'message');
    const type = oneOf(o.type, ['loaded', 'loadFailed', 'progress', 'refused', 'result', 'layerDone', 'modelDone', 'failed'] as const, 'message.type');
    switch (type) {
      case 'loaded':
        onlyKeys(o, ['type', 'flavour'], type);
        return { type, flavour: oneOf(o.flavour, ['relaxed-simd', 'simd'] as const, 'loaded.flavour') };
      case 'loadFailed':
        onlyKeys(o, ['type', 'message'], type);
        return { type, message: text(o.message, 'loadFailed.message') };
      case 'progress': {
        onlyKeys(o, ['type', 'runId', 'done', 'total', 'label'], type);
        const total = count(o.total, 'progress.total', 1);
        return { type, runId: count(o.runId, 'progress.runId'), done: count(o.done, 'progress.done', 0, total), total, label: text(o.label, 'progress.label', 300) };
      }
      case 'refused':
        onlyKeys(o, ['type', 'runId', 'message', 'needBytes', 'budgetBytes', 'suggestion', 'tooLarge'], type);
        return {
          type, runId: count(o.runId, 'refused.runId'), message: text(o.message, 'refused.message'),
          needBytes: finite(o.needBytes, 'refused.needBytes'), budgetBytes: finite(o.budgetBytes, 'refused.budgetBytes'),
          suggestion: nullable(o.suggestion, (v) => shape(v, 'refused.suggestion', 3)),
          tooLarge: list(o.tooLarge, 'refused.tooLarge', MAX_VARIANTS, (v, where) => text(v, where, 100)),
        };
      case 'result':
        onlyKeys(o, ['type', 'runId', 'result'], type);
        return { type, runId: count(o.runId, 'result.runId'), result: sandboxResult(o.result, 'result.result') };
      case 'layerDone':
        onlyKeys(o, ['type', 'runId', 'layer'], type);
        return { type, runId: count(o.runId, 'layerDone.runId'), layer: modelLayerResult(o.layer, 'layerDone.layer') };
      case 'modelDone':
        onlyKeys(o, ['type', 'runId', 'flavour'], type);
        return { type, runId: count(o.runId, 'modelDone.runId'), flavour: oneOf(o.flavour, ['relaxed-simd', 'simd'] as const, 'modelDone.flavour') };
      case 'failed':
        onlyKeys(o, ['type', 'runId', 'message'], type);
        return { type, runId: count(o.runId, 'failed.runId'), message: text(o.message, 'failed.message') };
    }
  });
}

/** True for the host messages this file owns, so the page can route them here before its own parser. */
export function isSandboxHostMessage(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === SANDBOX_SETTINGS_TYPE;
}

/** Validates the sandbox settings the host sent. */
export function parseSandboxSettings(data: unknown): Parsed<SandboxSettingsMessage> {
  return guarded(() => {
    const o = object(data, 'message');
    oneOf(o.type, [SANDBOX_SETTINGS_TYPE] as const, 'message.type');
    onlyKeys(o, ['type', 'memoryBudgetMB'], SANDBOX_SETTINGS_TYPE);
    return { type: SANDBOX_SETTINGS_TYPE, memoryBudgetMB: count(o.memoryBudgetMB, 'sandboxSettings.memoryBudgetMB', MIN_MEMORY_BUDGET_MB, MAX_MEMORY_BUDGET_MB) };
  });
}

/** The host's message for a budget read from the settings; out-of-range values are clamped, junk falls back to the default. */
export function sandboxSettingsMessage(memoryBudgetMB: unknown): SandboxSettingsMessage {
  const mb = typeof memoryBudgetMB === 'number' && Number.isFinite(memoryBudgetMB) ? Math.round(memoryBudgetMB) : DEFAULT_MEMORY_BUDGET_MB;
  return { type: SANDBOX_SETTINGS_TYPE, memoryBudgetMB: Math.min(MAX_MEMORY_BUDGET_MB, Math.max(MIN_MEMORY_BUDGET_MB, mb)) };
}
