import { SeparableComparison, separableReplacement } from '../../core';
import { ConvDeclaration, FileAnalysis, LayerInstance, ModelAnalysis, ShapeNote, SourceRange } from '../../analysis/types';
import { SeparableNote } from './hover';
import { canBecomeSeparable } from './fixes';

/**
 * Lookups over one FileAnalysis, built once per analysis so hovers answer in microseconds:
 * things are bucketed by each line they span. Lines are 1-based, columns 0-based (the contract's).
 */
export class AnalysisIndex {
  private readonly declarationsByLine = new Map<number, ConvDeclaration[]>();
  private readonly notesByLine = new Map<number, ShapeNote[]>();
  private readonly pairsByLayer = new Map<string, SeparableComparison>();
  private readonly layersByRange = new Map<string, Array<{ model: ModelAnalysis; layer: LayerInstance }>>();
  /** Calls in this file that build conv layers declared elsewhere (a helper imported from another file). */
  private readonly sitesByLine = new Map<number, LayerSite[]>();
  readonly sites: LayerSite[] = [];

  constructor(readonly analysis: FileAnalysis) {
    for (const d of analysis.declarations) addByLines(this.declarationsByLine, d.range, d);
    for (const model of analysis.models) {
      for (const note of model.shapes) addByLines(this.notesByLine, note.range, note);
      for (const pair of model.separablePairs) {
        this.pairsByLayer.set(`${model.entry}\0${pair.depthwise}`, pair.comparison);
        this.pairsByLayer.set(`${model.entry}\0${pair.pointwise}`, pair.comparison);
      }
      for (const layer of model.layers) {
        const key = rangeKey(layer.range);
        const list = this.layersByRange.get(key) ?? [];
        list.push({ model, layer });
        this.layersByRange.set(key, list);
      }
    }
    const declared = new Set(analysis.declarations.map((d) => rangeKey(d.range)));
    for (const [key, list] of this.layersByRange) {
      if (declared.has(key)) continue;
      const site: LayerSite = { range: list[0].layer.range, layers: list };
      this.sites.push(site);
      addByLines(this.sitesByLine, site.range, site);
    }
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

  /** Where the declaration sits in the models' trees. */
  instancesOf(declaration: ConvDeclaration): Array<{ model: ModelAnalysis; layer: LayerInstance }> {
    return this.layersByRange.get(rangeKey(declaration.range)) ?? [];
  }

  /** The depthwise-separable pair a declaration belongs to, else the replacement a dense kxk conv could have. */
  separableNote(declaration: ConvDeclaration): SeparableNote | null {
    for (const { model, layer } of this.instancesOf(declaration)) {
      const pair = this.pairsByLayer.get(`${model.entry}\0${layer.name}`);
      if (pair) return { comparison: pair, proposed: false };
    }
    const record = declaration.record;
    if (!record || !canBecomeSeparable(record.kind, record.spec.kernel_size, record.spec.transposed)) return null;
    const replacement = separableReplacement(record.spec, record.input_shape);
    return replacement ? { comparison: replacement, proposed: true } : null;
  }

  /** A conv layer of a model by its named_modules() name. */
  layerNamed(model: ModelAnalysis, name: string): LayerInstance | null {
    return model.layers.find((l) => l.name === name) ?? null;
  }

  /** The model whose class or def starts at or before the line, nearest first. */
  modelAt(line: number): ModelAnalysis | null {
    let best: ModelAnalysis | null = null;
    for (const m of this.analysis.models) if (m.range.line <= line && (!best || m.range.line > best.range.line)) best = m;
    return best ?? this.analysis.models[0] ?? null;
  }
}

/** A call in this file that builds conv layers whose constructor calls are in another file. */
export interface LayerSite {
  range: SourceRange;
  layers: Array<{ model: ModelAnalysis; layer: LayerInstance }>;
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
