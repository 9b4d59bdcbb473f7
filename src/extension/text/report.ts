import type { FileAnalysis } from '../../analysis/types';
import { MarkdownLink, fileSubjects, renderReport } from '../../report';
import type { FlopDisplay } from './numbers';

/**
 * The editor's Markdown report of a whole file: the one report's Markdown (src/report), with the
 * file's title and problems even when it holds no model. Not a renderer of its own.
 */
export function reportMarkdown(analysis: FileAnalysis, display: FlopDisplay, link: MarkdownLink): string {
  return renderReport(fileSubjects(analysis, analysis.file), 'markdown', { flopDisplay: display, link, whole: { file: analysis.file, analysis } });
}
