import type { SyntaxNode } from '@lezer/common';
import type { BuildResult, ConvRecord } from '../../core';
import type { AnalysisDiagnostic } from '../types';
import type { FileUnit } from '../parse/unit';
import type { Args, ClassValue, ModuleObject, Value } from '../values/values';

/**
 * What the torch library model (src/analysis/torch) may ask of the evaluator: the narrow
 * interface its natives call back through. The Interpreter implements it; natives import only
 * this type, so no runtime import runs from the library model back into the evaluator's core.
 */
export interface Evaluator {
  /** The analyzed file (natives report only what is written there). */
  readonly main: FileUnit;
  /** Layers built in this analysis, by their arguments (many layers repeat). */
  readonly builds: Map<string, BuildResult>;
  /** Conv modules built, in order, and F.convNd calls with a known weight shape. */
  readonly convModules: ModuleObject[];
  readonly functionalConvs: Array<{ site: SyntaxNode | null; record: ConvRecord; owned?: boolean }>;
  /** F.convNd calls whose weight shape was not known (no record, so their MACs are unknown). */
  unrecordedFunctionalConvs: number;
  /** Calls a value (a function, class, bound method or native) as Python would. */
  call(fn: Value, args: Args, node: SyntaxNode | null): Value;
  instantiate(cls: ClassValue, args: Args, node: SyntaxNode | null): Value;
  /** The items a for loop over `v` would see; throws when they cannot be known. */
  iterate(v: Value): Value[];
  /** The innermost call being evaluated that is written in the analyzed file. */
  mainSite(): SyntaxNode | null;
  /** Where the module being constructed was called from. */
  constructionSite(): SyntaxNode | null;
  /** The innermost call being evaluated, in whichever file it is written. */
  innermostSite(): { unit: FileUnit; node: SyntaxNode } | null;
  /** The function running now and its `self`, if any. */
  currentFrame(): { self: Value | undefined } | undefined;
  /** The `self` of the innermost running method, past the plain functions it called. */
  enclosingSelf(): Value | undefined;
  diagnose(diagnostic: AnalysisDiagnostic): void;
  unresolvedAt(unit: FileUnit, node: SyntaxNode, why: string, what?: string): void;
}
