import type { FileAnalysis } from '../analysis/types';
import { oneLine } from '../extension/text/markdown';

/**
 * The environment variables the figures depend on, in one sentence, or null when the code read
 * none. Only names and whether each was set: a value may be a secret.
 */
export function environmentText(analysis: FileAnalysis, text: (s: string) => string = oneLine): string | null {
  const use = analysis.environment;
  if (!use) return null;
  const names = use.variables.map((v) => `${text(v.name)} (${v.set ? 'set' : 'unset'})`);
  const listed = use.listed ? 'the code lists the whole environment' : '';
  return `environment read by the code: ${[...names, listed].filter(Boolean).join(', ')}; the figures hold where these are as given to the analysis`;
}
