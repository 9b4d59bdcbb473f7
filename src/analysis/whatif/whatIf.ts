// Placeholder until the what-if engine (branch `whatif`) is merged: it says so instead of guessing.
import type { AnalysisOptions } from '../types';
import type { WhatIfPlan, WhatIfResult } from './types';

export function whatIfModel(_options: AnalysisOptions, _source: string, _entry: string, _plan: WhatIfPlan): WhatIfResult {
  throw new Error('the what-if engine is not built into this version yet');
}
