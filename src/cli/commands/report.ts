import { analyzeFile } from '../../analysis';
import { AnalysisOptions, FileAnalysis, ModelAnalysis } from '../../analysis/types';
import { REPORT_FORMATS, ReportFormat, ReportSubject, renderReport } from '../../report';
import { UsageError, parseArgs, parseEnvironment, parseShape } from '../args';
import { CliCommand, CliIo, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../command';
import { NodeSourceHost, displayPath, readUserFile, toAnalysisPath } from '../nodeHost';
import { pythonLibraryFolders } from '../../host/pythonLibraries';
import { oneLine } from '../../extension/text/markdown';
import { MAX_STEPS_USAGE, outOfStepsNote, parseMaxSteps } from '../steps';

const USAGE = `Usage: conv-lens report FILE [--entry NAME] [--args "32, 64"] [--input 1,3,224,224] [--env NAME=VALUE]... [--max-steps N] [--format table|json|csv|markdown]

Reads a Python file statically (Python is never run) and reports every conv layer of its
models as PyTorch would build them: kernel, groups, kind, input and output shapes, parameters,
MACs, the same layer dense (groups=1) and what groups save, then the model's totals.

  FILE            a Python file; its imports are followed from its folder and the working folder
  --entry NAME    the model to report: a class, a factory function, or a classmethod or
                  staticmethod factory as Class.method; default: every model found
  --args TEXT     Python call arguments for the entry, e.g. "'VGG11'" or "num_classes=10"
  --input SHAPE   the input shape, e.g. 1,3,224,224; wins over the file's
                  "# conv-lens: input=(...)" comment and over code that feeds the model
  --env NAME=VALUE  an environment variable as the model code should see it (repeatable); the
                  code sees only these, so every other variable it reads counts as unset, and
                  the report lists each variable read
${MAX_STEPS_USAGE}
  --format F      table (default), json (exact integers), csv or markdown; JSON is one object,
                  or an array of them when the file holds several models and no --entry is given
  --json          the same as --format json

Counting: MACs are multiply-accumulates; FLOPs = 2 x MACs; a transposed conv is counted on its
input. "dense MACs" is the layer with groups=1; "savings" is dense / actual.
Exit codes: 0 ok, 1 the model has errors (PyTorch would raise), 2 usage or I/O error, or no
such model in the file.`;

interface ReportOptions {
  file: string;
  entry: string | undefined;
  args: string;
  input: bigint[] | null;
  environment: Record<string, string>;
  maxSteps: number | undefined;
  format: ReportFormat;
}

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'report every conv layer of a model file: shapes, params, MACs, dense vs grouped',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    let options: ReportOptions;
    try {
      options = readOptions(argv);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.err(`conv-lens report: ${e.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    const absolute = toAnalysisPath(io.cwd, options.file);
    const shown = displayPath(io.cwd, absolute);
    const read = readUserFile(absolute);
    if (!read.ok) {
      io.err(`conv-lens report: ${shown}: ${read.message}\n`);
      return EXIT_USAGE;
    }
    const analysis = analyzeFile(read.text, analysisOptions(absolute, io, options));
    const models = chooseModels(analysis, options.entry);
    if (models.length === 0) {
      // The analysis was limited to the entry; list what the whole file holds instead.
      const everything = options.entry === undefined ? analysis : analyzeFile(read.text, analysisOptions(absolute, io, { ...options, entry: undefined }));
      io.err(`conv-lens report: ${noModelMessage(shown, everything, options.entry)}\n`);
      const note = outOfStepsNote(shown, everything, options.maxSteps);
      if (note) io.err(`conv-lens report: ${note}\n`);
      return EXIT_USAGE;
    }
    const subjects: ReportSubject[] = models.map((model) => ({ file: shown, analysis, model, args: options.args }));
    io.out(`${renderReport(subjects, options.format)}\n`);
    const note = outOfStepsNote(shown, analysis, options.maxSteps);
    if (note) io.err(`conv-lens report: ${note}\n`);
    return hasErrors(analysis, models) ? EXIT_FINDINGS : EXIT_OK;
  },
};

function readOptions(argv: string[]): ReportOptions {
  const parsed = parseArgs(argv, {
    values: ['--entry', '--args', '--input', '--format', '--max-steps'],
    lists: ['--env'],
    aliases: { '--json': ['--format', 'json'] },
  });
  if (parsed.positional.length !== 1) throw new UsageError('expected exactly one FILE');
  const format = parsed.values.get('--format') ?? 'table';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format '${format}': expected ${REPORT_FORMATS.join(', ')}`);
  }
  const input = parsed.values.get('--input');
  return {
    file: parsed.positional[0],
    entry: parsed.values.get('--entry'),
    args: parsed.values.get('--args') ?? '',
    input: input === undefined ? null : parseShape(input),
    environment: parseEnvironment(parsed.lists.get('--env') ?? []),
    maxSteps: parseMaxSteps(parsed.values.get('--max-steps')),
    format: format as ReportFormat,
  };
}

function analysisOptions(file: string, io: CliIo, options: ReportOptions): AnalysisOptions {
  const cwd = io.cwd;
  return {
    file,
    host: new NodeSourceHost(io.parses),
    searchRoots: [toAnalysisPath(cwd, '.')],
    libraryRoots: pythonLibraryFolders().map((folder) => toAnalysisPath(folder, '.')),
    environment: options.environment,
    ...(options.maxSteps !== undefined ? { budget: { steps: options.maxSteps } } : {}),
    ...(options.entry !== undefined ? { entry: options.entry } : {}),
    ...(options.args !== '' ? { args: options.args } : {}),
    ...(options.input !== null ? { input: options.input } : {}),
  };
}

/** The named model, or every model of the file when no name is given. */
function chooseModels(analysis: FileAnalysis, entry: string | undefined): ModelAnalysis[] {
  if (entry === undefined) return analysis.models;
  return analysis.models.filter((m) => m.entry === entry);
}

function noModelMessage(file: string, analysis: FileAnalysis, entry: string | undefined): string {
  const names = analysis.models.map((m) => m.entry);
  if (entry === undefined) {
    // What the analysis could not follow may be the model itself (a zoo build it could not run).
    const why = analysis.unresolved.slice(0, 3).map((u) => `\n  line ${u.line}: ${oneLine(u.why)}`).join('');
    return `${file}: no model with conv layers found${why}`;
  }
  const known = names.length > 0 ? ` (models found: ${names.join(', ')})` : '';
  return `${file}: no model named '${entry}'${known}`;
}

/** Errors that PyTorch would raise: error diagnostics, or a layer that failed to build or run. */
function hasErrors(analysis: FileAnalysis, models: ModelAnalysis[]): boolean {
  if (analysis.diagnostics.some((d) => d.severity === 'error')) return true;
  return models.some((m) => m.layers.some((l) => l.error !== null || l.record?.forward_error));
}
