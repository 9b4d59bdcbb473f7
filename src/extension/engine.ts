import { DocumentAnalyzer, analyzeFile } from '../analysis';
import { AnalysisOptions, FileAnalysis } from '../analysis/types';

/** An edit in the previous text's offsets (what the engine's incremental reparse takes). */
export interface TextChange {
  from: number;
  to: number;
  insertLength: number;
}

/**
 * The one place the extension calls the analysis engine. Editor documents keep a
 * DocumentAnalyzer so an edit reparses only what changed; notebooks are analyzed whole.
 * An internal failure of the engine becomes a single diagnostic on the first line rather
 * than a broken editor.
 */
export function analyze(source: string, options: AnalysisOptions, incremental?: { analyzer: DocumentAnalyzer; changes: TextChange[] | undefined }): FileAnalysis {
  try {
    return incremental ? incremental.analyzer.update(source, incremental.changes, options) : analyzeFile(source, options);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      file: options.file,
      models: [],
      declarations: [],
      unresolved: [],
      diagnostics: [{ range: { line: 1, column: 0, endLine: 1, endColumn: 0 }, severity: 'warning', source: 'analysis', message: `Conv Lens could not analyze this file: ${message}` }],
    };
  }
}

export { DocumentAnalyzer };
