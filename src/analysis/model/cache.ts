import type { Candidate } from './entries';
import type { Outline } from './outline';
import type { AnalysisDiagnostic, ConvDeclaration, EnvironmentUse, ModelAnalysis, Unresolved } from '../types';
import { FileUnit } from '../parse/unit';

/** What one model's analysis produced, kept so an edit elsewhere in the file can reuse it. */
export interface CachedModel {
  analysis: ModelAnalysis;
  declarations: ConvDeclaration[];
  diagnostics: AnalysisDiagnostic[];
  unresolved: Unresolved[];
  /** What the file's analysis had read of the environment when this model was analysed. */
  environment: EnvironmentUse | undefined;
}

/** Cached models by key; a new map replaces the old one after each analysis, so stale entries go. */
export type ModelCache = Map<string, CachedModel>;

/** FNV-1a over a statement's text, read in place: cheap, and only compared between two versions of one file. */
function hashText(source: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= source.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Keys for models: a model's result depends on the classes and defs it mentions (transitively)
 * and on every other top-level statement (imports, constants, call sites). A key is the text
 * hash and first line of each of those statements, so any change to them, or a shift of their
 * lines, gives a new key.
 */
export class ModelKeys {
  private readonly hashes: string[];
  private readonly others: string;
  private readonly byName = new Map<string, number>();

  constructor(private readonly outline: Outline, unit: FileUnit) {
    this.hashes = outline.top.map((t) => `${unit.position(t.node.from).line}#${hashText(unit.source, t.node.from, t.node.to)}`);
    outline.top.forEach((t, i) => {
      if (t.name && t.kind !== 'other') this.byName.set(t.name, i);
    });
    this.others = outline.top.map((t, i) => (t.kind === 'other' ? this.hashes[i] : '')).filter(Boolean).join(',');
  }

  keyOf(candidate: Candidate): string {
    const start = this.outline.top.indexOf(candidate.top);
    const closure = new Set<number>([start]);
    const queue = [start];
    while (queue.length) {
      const i = queue.pop()!;
      for (const ref of this.outline.top[i].refs) {
        const j = this.byName.get(ref);
        if (j !== undefined && !closure.has(j)) {
          closure.add(j);
          queue.push(j);
        }
      }
    }
    // Defs that call the model (test(), main()) may give its arguments and input.
    this.outline.top.forEach((t, i) => {
      if (t.kind === 'def' && t.refs.has(candidate.name)) closure.add(i);
    });
    const own = [...closure].sort((a, b) => a - b).map((i) => this.hashes[i]).join(',');
    return `${candidate.name}|${own}|${this.others}`;
  }
}
