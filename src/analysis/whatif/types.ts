import type { AnalysisDiagnostic, ModelAnalysis } from '../types';
import type { WhatIfEdit } from './edits';

export type { WhatIfEdit } from './edits';

/**
 * The model-wide what-if (issue 13): transformations applied to every eligible conv of one
 * model, each switchable per layer, and the model analysed again with them so that every shape
 * is recomputed through forward. These types are the contract between the pure what-if
 * (src/analysis/whatif), the model view and the "apply to code" command.
 */
export type Transformation =
  /** A dense k×k conv (some k > 1) becomes a depthwise k×k conv followed by a pointwise 1×1. */
  | { kind: 'separable' }
  /** groups=g wherever PyTorch accepts it (both channel counts divisible by g). */
  | { kind: 'groups'; groups: number }
  /** Channel widths times `multiplier`, rounded as timm's and torchvision's make_divisible do. */
  | { kind: 'width'; multiplier: number; divisor: number }
  /** bias=False on a conv whose output goes straight into a BatchNorm. */
  | { kind: 'dropBias' };

export type TransformationKind = Transformation['kind'];

export interface WhatIfPlan {
  transformations: Transformation[];
  /** Layers (named_modules() names) switched off for a transformation. */
  excluded?: Partial<Record<TransformationKind, string[]>>;
}

export type ChangeStatus = 'applied' | 'ineligible' | 'excluded' | 'rejected';

/** What one transformation did to one conv of the model as written. */
export interface LayerChange {
  /** The layer's name in the model as written. */
  name: string;
  kind: TransformationKind;
  status: ChangeStatus;
  /** Why it was not applied: not eligible (a 1×1 conv), switched off, or PyTorch's message. */
  reason?: string;
  /** The layers that stand for it in the transformed model, e.g. ['conv.0', 'conv.1']. */
  replacedBy?: string[];
  /**
   * The change is valid but its code cannot be rewritten safely (a computed argument, a call
   * that also builds layers left as they are): Apply leaves it alone, and says why (`reason`).
   * With status 'applied' the what-if still shows it (computed by module surgery: "what-if
   * only"); a width change that is blocked is 'ineligible' (a width stays a text rewrite).
   */
  blocked?: boolean;
  paramsBefore: bigint | null;
  paramsAfter: bigint | null;
  macsBefore: bigint | null;
  macsAfter: bigint | null;
}

export interface WhatIfResult {
  plan: WhatIfPlan;
  /** The model as written. */
  before: ModelAnalysis;
  /** The model analysed again with the transformations applied. */
  after: ModelAnalysis;
  /**
   * The totals Apply promises: those of the model with only the changes Apply writes (`edits`),
   * which a re-analysis after applying gives exactly; `after.totals` when it writes them all.
   */
  applyTotals: ModelAnalysis['totals'];
  changes: LayerChange[];
  /** PyTorch's errors for the transformed model (construction or forward), if it would fail. */
  errors: AnalysisDiagnostic[];
  /** The text edits that make the transformed model, in the analysed file's offsets ("apply to code"). */
  edits: WhatIfEdit[];
  /** Other modules the edits change to keep the model consistent, e.g. 'bn1: BatchNorm2d 64 → 48'. */
  notes: string[];
}
