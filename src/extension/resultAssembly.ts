import type { ConvDeclaration, FileAnalysis, LayerInstance, ModelAnalysis, ShapeNote } from '../analysis/types';
import { ResultPart, ResultParts } from '../protocol/analysis';
import { Parsed } from '../protocol/validate';
import { AnalysisIndex } from './text/index';

/**
 * One analysis as it arrives from the worker, in parts of at most PART_ITEMS items each: every
 * part is put in its list and indexed in the task that receives it, so the result's own message
 * (the last) only puts the lists in place and finds the layers' call sites. Before, that message
 * joined and indexed the whole analysis in one task of the extension host.
 */
export class ResultAssembly {
  private readonly parts = new ResultParts();
  private readonly index = new AnalysisIndex();
  /** Why a part could not be indexed (the worker sent what the analysis never makes). */
  private broken: string | null = null;

  add(part: ResultPart): void {
    if (this.broken) return;
    try {
      this.parts.add(part);
      this.indexPart(part);
    } catch (e) {
      this.broken = `part: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** The analysis and its index, from the result's outline (its lists emptied into the parts). */
  finish(rest: FileAnalysis): Parsed<{ analysis: FileAnalysis; index: AnalysisIndex }> {
    if (this.broken) return { ok: false, error: this.broken };
    // The worker empties every list into the parts; an outline that kept items is indexed whole.
    const outlineOnly = isOutline(rest);
    const joined = this.parts.join(rest);
    if (!joined.ok) return joined;
    try {
      const index = outlineOnly ? this.index.complete(joined.value) : new AnalysisIndex(joined.value);
      return { ok: true, value: { analysis: joined.value, index } };
    } catch (e) {
      return { ok: false, error: `result: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  private indexPart(part: ResultPart): void {
    if (part.model === null) {
      if (part.list === 'declarations') this.index.addDeclarations(part.items as ConvDeclaration[]);
      return;
    }
    if (part.list === 'layers') this.index.addLayers(part.model, part.items as LayerInstance[]);
    else if (part.list === 'shapes') this.index.addShapes(part.items as ShapeNote[]);
    else if (part.list === 'separablePairs') this.index.addSeparablePairs(part.model, part.items as ModelAnalysis['separablePairs']);
  }
}

function isOutline(analysis: FileAnalysis): boolean {
  return analysis.declarations.length === 0 && analysis.models.every((m) => m.layers.length === 0 && m.shapes.length === 0 && m.calls.length === 0 && m.separablePairs.length === 0);
}
