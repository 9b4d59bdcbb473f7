/**
 * The one message protocol between the extension host and its analysis worker (a worker_threads
 * Worker on the desktop, a Web Worker in VS Code for the Web). Both sides import this file and
 * act only on what `parseToWorker` / `parseFromWorker` return.
 *
 * Messages travel by structured clone (both kinds of worker), which carries bigints exactly, so
 * input shapes and analysis results are sent as they are, not as decimal strings.
 *
 * The worker mirrors the text of open Python documents as the host sends it (`open`, then
 * `change` per edit, like a language server), so an edit costs a few offsets on the wire and the
 * worker's DocumentAnalyzer reparses only what changed. Documents are named by `root`
 * ("scheme://authority", unencoded) and `path`, the same pair the analysis uses for imports.
 */
import { MAX_STEPS, MIN_STEPS } from '../analysis/evaluate/budget';
import type { FileAnalysis } from '../analysis/types';
import type { WhatIfPlan, WhatIfResult } from '../analysis/whatif/types';
import { readPlan } from './modelView';
import { Parsed, ProtocolError, count, guarded, list, object, oneOf, onlyKeys, text } from './validate';

/** Longest source text accepted (a document or a notebook's joined cells): 64 M characters. */
const MAX_SOURCE = 64 * 1024 * 1024;
const MAX_NAME = 4096;
const MAX_LIST = 10_000;

/** An edit of the previous text: characters [from, to) of it become `text`. */
export interface WireChange {
  from: number;
  to: number;
  text: string;
}

/** What an analysis run may use besides the text; equal settings let the worker keep its caches. */
export interface RunSettings {
  input: bigint[] | null;
  /** Folders searched for absolute imports, '/'-separated paths under the document's root. */
  searchRoots: string[];
  /**
   * Restricted Mode (importPolicy.ts): the only folders imports may be read from (the workspace
   * folders; the worker adds the library folders it found itself). Null in a trusted workspace.
   */
  readableRoots: string[] | null;
  /** The run stops here and reports what it found so far (AnalysisOptions.deadlineMs). */
  deadlineMs: number;
  /** The step budget of each phase of the run (AnalysisOptions.budget.steps). */
  maxSteps: number;
  /** The environment variables os.environ holds for the model code (AnalysisOptions.environment), as name and value. */
  environment: Array<[string, string]>;
}

export type ToWorker =
  /** The first message: the shared cancellation memory, when the platform has it. */
  | { type: 'init'; cancel: SharedArrayBuffer | null }
  | { type: 'open'; root: string; path: string; version: number; text: string }
  | { type: 'change'; root: string; path: string; version: number; length: number; changes: WireChange[] }
  | { type: 'close'; root: string; path: string }
  /** Analyze a mirrored document at `version`, or `source` as given (a notebook's joined cells). */
  | { type: 'analyze'; run: number; root: string; path: string; version: number; source: string | null; settings: RunSettings }
  /** Analyze one model of `source` again with a what-if plan applied (the model view's what-if). */
  | { type: 'whatIf'; run: number; root: string; path: string; source: string; settings: RunSettings; entry: string; plan: WhatIfPlan }
  /** The answer to a `read`: the file's text, or null when it cannot be read. */
  | { type: 'file'; root: string; path: string; text: string | null }
  /** Files changed on disk: forget one (or, with path null, every) file read so far. */
  | { type: 'forget'; root: string | null; path: string | null };

/** Why a run's result covers only part of the file. */
export type Stopped = { reason: 'deadline'; deadlineMs: number };

/** The lists of a FileAnalysis, and of each of its models, that travel in parts. */
export const FILE_LISTS = ['declarations', 'diagnostics', 'unresolved'] as const;
export const MODEL_LISTS = ['layers', 'modules', 'shapes', 'calls', 'separablePairs'] as const;
export type FileList = (typeof FILE_LISTS)[number];
export type ModelList = (typeof MODEL_LISTS)[number];

/**
 * Items of one list of a result, sent before the result itself. Deserializing a message is one
 * task of the receiving thread, so a large analysis (thousands of layers) arrives as many small
 * tasks instead of one long one; the host appends the parts, in order, to the result's lists.
 */
export type ResultPart =
  | { type: 'part'; run: number; model: null; list: FileList; items: unknown[] }
  | { type: 'part'; run: number; model: number; list: ModelList; items: unknown[] };

/** Items per part: a few milliseconds of deserialization on the host at most. */
export const PART_ITEMS = 100;

export type FromWorker =
  /** The worker has loaded and takes jobs (the watchdog counts from here, not from its start). */
  | { type: 'ready' }
  | ResultPart
  /** The analysis, its lists emptied into the parts sent before it. */
  | { type: 'result'; run: number; analysis: FileAnalysis; millis: number; reads: string[]; stopped: Stopped | null }
  /** A what-if's result, or why the engine could not give one. */
  | { type: 'whatIfResult'; run: number; result: WhatIfResult | null; error: string | null; millis: number }
  /** The run was abandoned because the host asked for a newer version (see cancellation below). */
  | { type: 'cancelled'; run: number }
  /** The worker cannot read this file itself (the web, or a scheme not on disk): the host reads it. */
  | { type: 'read'; root: string; path: string }
  /** The mirror lost track of a document (a change did not fit its text): send it whole again. */
  | { type: 'resync'; root: string; path: string };

/**
 * Cancellation: the host and the worker share a SharedArrayBuffer where available (always in
 * Node; in a browser only when cross-origin isolated). Its slot CANCEL_SLOT holds the number of
 * the run the host has given up on; the running analysis reads it through its clock hook between
 * statements and stops at once. Without shared memory a stale run simply ends at its deadline.
 */
export const CANCEL_SLOT = 0;

/** A document's or file's key: root and path together, as the worker records what a run read. */
export function placeKey(root: string, path: string): string {
  return `${root}${path}`;
}

export function parseToWorker(data: unknown): Parsed<ToWorker> {
  return guarded(() => {
    const o = object(data, 'message');
    const type = oneOf(o.type, ['init', 'open', 'change', 'close', 'analyze', 'whatIf', 'file', 'forget'] as const, 'message.type');
    switch (type) {
      case 'init':
        onlyKeys(o, ['type', 'cancel'], type);
        if (o.cancel !== null && !(typeof SharedArrayBuffer !== 'undefined' && o.cancel instanceof SharedArrayBuffer && o.cancel.byteLength >= 4)) {
          throw new ProtocolError('init.cancel: expected a SharedArrayBuffer or null');
        }
        return { type, cancel: o.cancel as SharedArrayBuffer | null };
      case 'open':
        onlyKeys(o, ['type', 'root', 'path', 'version', 'text'], type);
        return { type, ...place(o, type), version: count(o.version, 'open.version'), text: text(o.text, 'open.text', MAX_SOURCE) };
      case 'change':
        onlyKeys(o, ['type', 'root', 'path', 'version', 'length', 'changes'], type);
        return { type, ...place(o, type), version: count(o.version, 'change.version'), length: count(o.length, 'change.length'), changes: list(o.changes, 'change.changes', MAX_LIST, wireChange) };
      case 'close':
        onlyKeys(o, ['type', 'root', 'path'], type);
        return { type, ...place(o, type) };
      case 'analyze':
        onlyKeys(o, ['type', 'run', 'root', 'path', 'version', 'source', 'settings'], type);
        return {
          type, run: count(o.run, 'analyze.run'), ...place(o, type), version: count(o.version, 'analyze.version'),
          source: o.source === null ? null : text(o.source, 'analyze.source', MAX_SOURCE), settings: settings(o.settings),
        };
      case 'whatIf':
        onlyKeys(o, ['type', 'run', 'root', 'path', 'source', 'settings', 'entry', 'plan'], type);
        return {
          type, run: count(o.run, 'whatIf.run'), ...place(o, type), source: text(o.source, 'whatIf.source', MAX_SOURCE),
          settings: settings(o.settings), entry: text(o.entry, 'whatIf.entry', MAX_NAME), plan: readPlan(o.plan, 'whatIf.plan'),
        };
      case 'file':
        onlyKeys(o, ['type', 'root', 'path', 'text'], type);
        return { type, ...place(o, type), text: o.text === null ? null : text(o.text, 'file.text', MAX_SOURCE) };
      case 'forget':
        onlyKeys(o, ['type', 'root', 'path'], type);
        return { type, root: o.root === null ? null : text(o.root, 'forget.root', MAX_NAME), path: o.path === null ? null : text(o.path, 'forget.path', MAX_NAME) };
    }
  });
}

export function parseFromWorker(data: unknown): Parsed<FromWorker> {
  return guarded(() => {
    const o = object(data, 'message');
    const type = oneOf(o.type, ['ready', 'part', 'result', 'whatIfResult', 'cancelled', 'read', 'resync'] as const, 'message.type');
    switch (type) {
      case 'ready':
        onlyKeys(o, ['type'], type);
        return { type };
      case 'part': {
        onlyKeys(o, ['type', 'run', 'model', 'list', 'items'], type);
        const run = count(o.run, 'part.run');
        if (!Array.isArray(o.items) || o.items.length > PART_ITEMS) throw new ProtocolError(`part.items: expected a list of at most ${PART_ITEMS} entries`);
        const items = o.items as unknown[];
        if (o.model === null) return { type, run, model: null, list: oneOf(o.list, FILE_LISTS, 'part.list'), items };
        return { type, run, model: count(o.model, 'part.model'), list: oneOf(o.list, MODEL_LISTS, 'part.list'), items };
      }
      case 'result':
        onlyKeys(o, ['type', 'run', 'analysis', 'millis', 'reads', 'stopped'], type);
        return {
          type, run: count(o.run, 'result.run'), analysis: analysis(o.analysis), millis: duration(o.millis, 'result.millis'),
          reads: list(o.reads, 'result.reads', MAX_LIST, (v, w) => text(v, w, MAX_NAME * 2)), stopped: o.stopped === null ? null : stopped(o.stopped),
        };
      case 'whatIfResult':
        onlyKeys(o, ['type', 'run', 'result', 'error', 'millis'], type);
        return {
          type, run: count(o.run, 'whatIfResult.run'), result: o.result === null ? null : whatIfResult(o.result),
          error: o.error === null ? null : text(o.error, 'whatIfResult.error', MAX_NAME), millis: duration(o.millis, 'whatIfResult.millis'),
        };
      case 'cancelled':
        onlyKeys(o, ['type', 'run'], type);
        return { type, run: count(o.run, 'cancelled.run') };
      case 'read':
      case 'resync':
        onlyKeys(o, ['type', 'root', 'path'], type);
        return { type, ...place(o, type) } as FromWorker;
    }
  });
}

function place(o: Record<string, unknown>, where: string): { root: string; path: string } {
  return { root: text(o.root, `${where}.root`, MAX_NAME), path: text(o.path, `${where}.path`, MAX_NAME) };
}


function duration(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ProtocolError(`${where}: expected a non-negative number`);
  return value;
}


function wireChange(value: unknown, where: string): WireChange {
  const o = object(value, where);
  onlyKeys(o, ['from', 'to', 'text'], where);
  const from = count(o.from, `${where}.from`);
  const to = count(o.to, `${where}.to`);
  if (to < from) throw new ProtocolError(`${where}: ends before it starts`);
  return { from, to, text: text(o.text, `${where}.text`, MAX_SOURCE) };
}

function settings(value: unknown): RunSettings {
  const o = object(value, 'analyze.settings');
  onlyKeys(o, ['input', 'searchRoots', 'readableRoots', 'deadlineMs', 'maxSteps', 'environment'], 'analyze.settings');
  const input = o.input === null ? null : list(o.input, 'analyze.settings.input', MAX_LIST, (v, w) => {
    if (typeof v !== 'bigint' || v < 1n) throw new ProtocolError(`${w}: expected a positive bigint`);
    return v;
  });
  const deadlineMs = duration(o.deadlineMs, 'analyze.settings.deadlineMs');
  const maxSteps = o.maxSteps;
  if (typeof maxSteps !== 'number' || !Number.isInteger(maxSteps) || maxSteps < MIN_STEPS || maxSteps > MAX_STEPS) {
    throw new ProtocolError(`analyze.settings.maxSteps: expected an integer from ${MIN_STEPS} to ${MAX_STEPS}`);
  }
  const readableRoots = o.readableRoots === null ? null : list(o.readableRoots, 'analyze.settings.readableRoots', MAX_LIST, (v, w) => text(v, w, MAX_NAME));
  const environment = list(o.environment, 'analyze.settings.environment', MAX_LIST, (v, w): [string, string] => {
    if (!Array.isArray(v) || v.length !== 2) throw new ProtocolError(`${w}: expected a [name, value] pair`);
    return [text(v[0], `${w}[0]`, MAX_NAME), text(v[1], `${w}[1]`, MAX_NAME)];
  });
  return { input, searchRoots: list(o.searchRoots, 'analyze.settings.searchRoots', MAX_LIST, (v, w) => text(v, w, MAX_NAME)), readableRoots, deadlineMs, maxSteps, environment };
}

function stopped(value: unknown): Stopped {
  const o = object(value, 'result.stopped');
  onlyKeys(o, ['reason', 'deadlineMs'], 'result.stopped');
  return { reason: oneOf(o.reason, ['deadline'] as const, 'result.stopped.reason'), deadlineMs: duration(o.deadlineMs, 'result.stopped.deadlineMs') };
}

/**
 * The analysis is checked for its outline only: it comes from our own worker running the pure
 * analysis and arrives by structured clone (so its types are intact); the check makes sure no
 * other message shape can reach the surfaces, which read these arrays directly.
 */
function analysis(value: unknown): FileAnalysis {
  const o = object(value, 'result.analysis');
  text(o.file, 'result.analysis.file', MAX_NAME);
  for (const key of ['models', ...FILE_LISTS]) {
    if (!Array.isArray(o[key])) throw new ProtocolError(`result.analysis.${key}: expected a list`);
  }
  (o.models as unknown[]).forEach((m, i) => {
    const model = object(m, `result.analysis.models[${i}]`);
    for (const key of MODEL_LISTS) if (!Array.isArray(model[key])) throw new ProtocolError(`result.analysis.models[${i}].${key}: expected a list`);
  });
  return o as unknown as FileAnalysis;
}

/** Like `analysis`: the outline of a what-if result from our own worker (structured clone keeps its types). */
function whatIfResult(value: unknown): WhatIfResult {
  const o = object(value, 'whatIfResult.result');
  for (const key of ['before', 'after']) {
    const model = object(o[key], `whatIfResult.result.${key}`);
    for (const list of MODEL_LISTS) if (!Array.isArray(model[list])) throw new ProtocolError(`whatIfResult.result.${key}.${list}: expected a list`);
  }
  for (const key of ['changes', 'errors']) if (!Array.isArray(o[key])) throw new ProtocolError(`whatIfResult.result.${key}: expected a list`);
  return o as unknown as WhatIfResult;
}

/** Splits an analysis into the parts of its lists and the analysis with those lists empty. */
export function splitResult(run: number, analysis: FileAnalysis): { parts: ResultPart[]; rest: FileAnalysis } {
  const parts: ResultPart[] = [];
  for (const list of FILE_LISTS) {
    for (const items of slices<unknown>(analysis[list])) parts.push({ type: 'part', run, model: null, list, items });
  }
  analysis.models.forEach((model, index) => {
    for (const list of MODEL_LISTS) {
      for (const items of slices<unknown>(model[list])) parts.push({ type: 'part', run, model: index, list, items });
    }
  });
  const rest: FileAnalysis = {
    ...analysis,
    declarations: [],
    diagnostics: [],
    unresolved: [],
    models: analysis.models.map((m) => ({ ...m, layers: [], modules: [], shapes: [], calls: [], separablePairs: [] })),
  };
  return { parts, rest };
}

/**
 * The parts of one result, collected as they arrive: each part's items are appended to their
 * list at once, so the result's own message only puts the lists in place (a few assignments,
 * whatever the analysis's size). The items are as the worker made them: the parts' outline is
 * checked, their items are not (see `analysis` above for why).
 */
export class ResultParts {
  private readonly fileLists = new Map<FileList, unknown[]>();
  private readonly modelLists = new Map<number, Map<ModelList, unknown[]>>();

  add(part: ResultPart): void {
    let lists: Map<string, unknown[]> | undefined = this.fileLists;
    if (part.model !== null) {
      lists = this.modelLists.get(part.model);
      if (!lists) this.modelLists.set(part.model, (lists = new Map()));
    }
    const list = lists.get(part.list);
    if (list) for (const item of part.items) list.push(item);
    else lists.set(part.list, [...part.items]);
  }

  /** The analysis with the parts' items after its own in each list (in the order they were sent). */
  join(rest: FileAnalysis): Parsed<FileAnalysis> {
    return guarded(() => {
      for (const [model, lists] of this.modelLists) {
        const target = rest.models[model];
        if (!target) throw new ProtocolError(`part: no model ${model}`);
        for (const [name, items] of lists) target[name] = appended(target[name], items) as never;
      }
      for (const [name, items] of this.fileLists) rest[name] = appended(rest[name], items) as never;
      return rest;
    });
  }
}

/** `items` after those of `list`: the collected list itself when `list` is empty (as splitResult leaves it). */
function appended(list: readonly unknown[], items: unknown[]): unknown[] {
  if (list.length === 0) return items;
  return [...list, ...items];
}

/** Puts the parts back into the analysis they were split from (in the order they were sent). */
export function joinResult(rest: FileAnalysis, parts: readonly ResultPart[]): Parsed<FileAnalysis> {
  const collected = new ResultParts();
  for (const part of parts) collected.add(part);
  return collected.join(rest);
}

function slices<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += PART_ITEMS) out.push(list.slice(i, i + PART_ITEMS));
  return out;
}
