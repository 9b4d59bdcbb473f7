import { SeparableComparison, separableReplacement } from '../../core';
import { ConvDeclaration, FileAnalysis, ForwardCall, LayerInstance, ModelAnalysis, ShapeNote, SourceRange } from '../../analysis/types';
import { LayerUse, SeparableNote } from './hover';
import { canBecomeSeparable } from './fixes';

/** A conv layer of the index, with the index of its model in the analysis's models. */
interface IndexedLayer {
  model: number;
  layer: LayerInstance;
}

/**
 * Lookups over one FileAnalysis, built once per analysis so hovers answer in microseconds:
 * things are bucketed by each line they span. Lines are 1-based, columns 0-based (the contract's).
 *
 * It can also be built as the analysis arrives from the worker in parts (`add*`, then
 * `complete`), so no one task of the extension host indexes a whole large analysis.
 */
export class AnalysisIndex {
  private readonly declarationsByLine = new Map<number, ConvDeclaration[]>();
  private readonly notesByLine = new Map<number, ShapeNote[]>();
  /** Forward calls by line, each with the model whose forward pass ran it (the first model wins). */
  private readonly callsByLine = new Map<number, ModelCall[]>();
  private readonly layersByName = new Map<ModelAnalysis, Map<string, LayerInstance>>();
  private readonly pairsByLayer = new Map<string, SeparableComparison>();
  private readonly layersByRange = new Map<string, IndexedLayer[]>();
  private readonly declared = new Set<string>();
  /** Calls in this file that build conv layers declared elsewhere (a helper imported from another file). */
  private readonly sitesByLine = new Map<number, LayerSite[]>();
  readonly sites: LayerSite[] = [];
  private indexed: FileAnalysis = { file: '', models: [], declarations: [], unresolved: [], diagnostics: [] };

  /** Indexes a whole analysis at once; without one, the index is filled by the add* methods and `complete`. */
  constructor(analysis?: FileAnalysis) {
    if (!analysis) return;
    this.addDeclarations(analysis.declarations);
    analysis.models.forEach((model, m) => {
      this.addShapes(model.shapes);
      this.addSeparablePairs(m, model.separablePairs);
      this.addLayers(m, model.layers);
    });
    this.complete(analysis);
  }

  get analysis(): FileAnalysis {
    return this.indexed;
  }

  addDeclarations(declarations: readonly ConvDeclaration[]): void {
    for (const d of declarations) {
      addByLines(this.declarationsByLine, d.range, d);
      this.declared.add(rangeKey(d.range));
    }
  }

  addShapes(notes: readonly ShapeNote[]): void {
    for (const note of notes) addByLines(this.notesByLine, note.range, note);
  }

  /** Pairs of the `model`-th model (its index in the analysis's models). */
  addSeparablePairs(model: number, pairs: ModelAnalysis['separablePairs']): void {
    for (const pair of pairs) {
      this.pairsByLayer.set(`${model}\0${pair.depthwise}`, pair.comparison);
      this.pairsByLayer.set(`${model}\0${pair.pointwise}`, pair.comparison);
    }
  }

  /** Layers of the `model`-th model, in order. */
  addLayers(model: number, layers: readonly LayerInstance[]): void {
    for (const layer of layers) {
      const key = rangeKey(layer.range);
      const list = this.layersByRange.get(key);
      if (list) list.push({ model, layer });
      else this.layersByRange.set(key, [{ model, layer }]);
    }
  }

  /** The analysis whose lists were added, once it has all arrived: finds the call sites of layers declared elsewhere. */
  complete(analysis: FileAnalysis): this {
    this.indexed = analysis;
    for (const model of analysis.models) {
      for (const call of model.calls ?? []) addByLines(this.callsByLine, call.range, { model, call });
    }
    for (const [key, list] of this.layersByRange) {
      if (this.declared.has(key)) continue;
      const site = this.siteOf(list);
      this.sites.push(site);
      addByLines(this.sitesByLine, site.range, site);
    }
    return this;
  }

  /** The innermost call site (of a helper building layers elsewhere) containing the position. */
  siteAt(line: number, column: number): LayerSite | null {
    return innermost(this.sitesByLine.get(line) ?? [], line, column, (site) => site.range);
  }

  /** The innermost conv declaration whose call contains the position. */
  declarationAt(line: number, column: number): ConvDeclaration | null {
    return innermost(this.declarationsByLine.get(line) ?? [], line, column, (d) => d.range);
  }

  /** The model whose name (a class, a factory, a module-level variable) is at the position. */
  modelNamedAt(line: number, column: number): ModelAnalysis | null {
    return innermost(this.analysis.models, line, column, (m) => m.range);
  }

  shapeNoteAt(line: number, column: number): ShapeNote | null {
    return innermost(this.notesByLine.get(line) ?? [], line, column, (n) => n.range);
  }

  /** The innermost module call in forward containing the position, as the first model that ran it ran it. */
  callAt(line: number, column: number): ModelCall | null {
    // Models run the same block's forward in file order: on equal ranges the first model stays.
    let best: ModelCall | null = null;
    for (const c of this.callsByLine.get(line) ?? []) {
      if (!contains(c.call.range, line, column)) continue;
      if (!best || (isInside(c.call.range, best.call.range) && rangeKey(c.call.range) !== rangeKey(best.call.range))) best = c;
    }
    return best;
  }

  /** How many models ran the same call (a block shared by resnet18 and resnet34). */
  modelsRunning(call: ForwardCall): number {
    const key = rangeKey(call.range);
    return (this.callsByLine.get(call.range.line) ?? []).filter((c) => rangeKey(c.call.range) === key).length;
  }

  /**
   * Why layers show no shapes while PyTorch refuses something in the file: the first error that
   * stopped a model (building it or its forward pass), e.g. "not reached: the model fails at line 23".
   */
  notReached(): string | null {
    const stop = this.analysis.diagnostics.find((d) => d.severity === 'error' && (d.source === 'construct' || d.source === 'forward'));
    if (!stop) return null;
    return stop.source === 'construct' ? `not reached: the model fails at line ${stop.range.line}` : `not reached: the forward pass fails at line ${stop.range.line}`;
  }

  /** Every layer a declaration built, in every model of the file. */
  usesOf(declaration: ConvDeclaration): LayerUse[] {
    return this.instancesOf(declaration).map(({ model, layer }) => ({ name: layer.name, model: model.entry, record: layer.record }));
  }

  /** Where the declaration sits in the models' trees. */
  instancesOf(declaration: ConvDeclaration): Array<{ model: ModelAnalysis; layer: LayerInstance }> {
    return (this.layersByRange.get(rangeKey(declaration.range)) ?? []).map((entry) => this.withModel(entry));
  }

  /** The depthwise-separable pair a declaration belongs to, else the replacement a dense kxk conv could have. */
  separableNote(declaration: ConvDeclaration): SeparableNote | null {
    for (const { model, layer } of this.layersByRange.get(rangeKey(declaration.range)) ?? []) {
      const pair = this.pairsByLayer.get(`${model}\0${layer.name}`);
      if (pair) return { comparison: pair, proposed: false };
    }
    const record = declaration.record;
    if (!record || !canBecomeSeparable(record)) return null;
    const replacement = separableReplacement(record.spec, record.input_shape);
    return replacement ? { comparison: replacement, proposed: true } : null;
  }

  /** A conv layer of a model by its named_modules() name. */
  layerNamed(model: ModelAnalysis, name: string): LayerInstance | null {
    let byName = this.layersByName.get(model);
    if (!byName) this.layersByName.set(model, (byName = new Map(model.layers.map((l) => [l.name, l]))));
    return byName.get(name) ?? null;
  }

  /** The model whose class or def starts at or before the line, nearest first. */
  modelAt(line: number): ModelAnalysis | null {
    let best: ModelAnalysis | null = null;
    for (const m of this.indexed.models) if (m.range.line <= line && (!best || m.range.line > best.range.line)) best = m;
    return best ?? this.indexed.models[0] ?? null;
  }

  /**
   * A call site of layers declared elsewhere. Its layers are paired with their models when first
   * asked for (by a provider, in a task of its own): a factory call can build thousands.
   */
  private siteOf(list: IndexedLayer[]): LayerSite {
    let layers: LayerSite['layers'] | undefined;
    const paired = (): LayerSite['layers'] => list.map((entry) => this.withModel(entry));
    return {
      range: list[0].layer.range,
      get layers() {
        layers ??= paired();
        return layers;
      },
    };
  }

  private withModel(entry: IndexedLayer): { model: ModelAnalysis; layer: LayerInstance } {
    return { model: this.indexed.models[entry.model], layer: entry.layer };
  }
}

/** A call in this file that builds conv layers whose constructor calls are in another file. */
export interface LayerSite {
  range: SourceRange;
  layers: Array<{ model: ModelAnalysis; layer: LayerInstance }>;
}

/** A module call of a forward pass, and the model whose pass ran it. */
export interface ModelCall {
  model: ModelAnalysis;
  call: ForwardCall;
}

/** A layer seen as a declaration, so a call site's layers hover like declared ones. */
export function layerAsDeclaration(layer: LayerInstance): ConvDeclaration {
  return { type: layer.type, range: layer.range, calleeRange: layer.range, record: layer.record, error: layer.error, symbolic: layer.symbolic, instances: [layer.name] };
}

function addByLines<T>(map: Map<number, T[]>, range: SourceRange, item: T): void {
  for (let line = range.line; line <= range.endLine; line++) {
    const list = map.get(line);
    if (list) list.push(item);
    else map.set(line, [item]);
  }
}

export function contains(range: SourceRange, line: number, column: number): boolean {
  const afterStart = line > range.line || (line === range.line && column >= range.column);
  const beforeEnd = line < range.endLine || (line === range.endLine && column <= range.endColumn);
  return afterStart && beforeEnd;
}

function innermost<T>(items: T[], line: number, column: number, rangeOf: (item: T) => SourceRange): T | null {
  let best: T | null = null;
  for (const item of items) {
    const r = rangeOf(item);
    if (!contains(r, line, column)) continue;
    if (!best || isInside(r, rangeOf(best))) best = item;
  }
  return best;
}

function isInside(a: SourceRange, b: SourceRange): boolean {
  return contains(b, a.line, a.column) && contains(b, a.endLine, a.endColumn);
}

export function rangeKey(r: SourceRange): string {
  return `${r.line}:${r.column}:${r.endLine}:${r.endColumn}`;
}
