import { analyzeFile } from '../../analysis';
import { AnalysisDiagnostic } from '../../analysis/types';
import { compilerLine } from '../../report';
import { UsageError, parseArgs, parseEnvironment } from '../args';
import { CliCommand, CliIo, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../command';
import { NodeSourceHost, displayPath, readUserFile, toAnalysisPath } from '../nodeHost';
import { pythonLibraryFolders } from '../../host/pythonLibraries';
import { MAX_STEPS_USAGE, outOfStepsNote, parseMaxSteps } from '../steps';

const USAGE = `Usage: conv-lens check FILE... [--errors-only] [--env NAME=VALUE]... [--max-steps N]

Reads Python files statically and prints what PyTorch would raise building or running their
models (groups that do not divide the channels, float channel counts, channel mismatches,
kernels larger than their input, ...) and what the analysis could not follow, one line each:

  file:line:col: severity: message

Columns are 1-based, as compilers print them, so editors and CI annotate the right place.

  --errors-only   print errors only, no warnings or notes
  --env NAME=VALUE  an environment variable as the model code should see it (repeatable);
                  every other variable the code reads counts as unset
${MAX_STEPS_USAGE}

Exit codes: 0 no errors, 1 at least one error, 2 usage error or a file that cannot be read.`;

type Outcome = 'clean' | 'errors' | 'unreadable';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'print what PyTorch would raise, as file:line:col: error: message',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    let files: string[];
    let errorsOnly: boolean;
    let environment: Record<string, string>;
    let maxSteps: number | undefined;
    try {
      const parsed = parseArgs(argv, { switches: ['--errors-only'], lists: ['--env'], values: ['--max-steps'] });
      environment = parseEnvironment(parsed.lists.get('--env') ?? []);
      maxSteps = parseMaxSteps(parsed.values.get('--max-steps'));
      if (parsed.positional.length === 0) throw new UsageError('expected at least one FILE');
      files = parsed.positional;
      errorsOnly = parsed.switches.has('--errors-only');
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.err(`conv-lens check: ${e.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    // One host for every file: files of one project share their imports.
    const host = new NodeSourceHost(io.parses);
    const outcomes = files.map((file) => checkFile(file, io, host, { errorsOnly, environment, maxSteps }));
    if (outcomes.includes('unreadable')) return EXIT_USAGE;
    return outcomes.includes('errors') ? EXIT_FINDINGS : EXIT_OK;
  },
};

interface CheckOptions {
  errorsOnly: boolean;
  environment: Record<string, string>;
  maxSteps: number | undefined;
}

function checkFile(file: string, io: CliIo, host: NodeSourceHost, { errorsOnly, environment, maxSteps }: CheckOptions): Outcome {
  const absolute = toAnalysisPath(io.cwd, file);
  const shown = displayPath(io.cwd, absolute);
  const read = readUserFile(absolute);
  if (!read.ok) {
    io.err(`${shown}: error: ${read.message}\n`);
    return 'unreadable';
  }
  const analysis = analyzeFile(read.text, {
    file: absolute, host, searchRoots: [toAnalysisPath(io.cwd, '.')], libraryRoots: pythonLibraryFolders().map((folder) => toAnalysisPath(folder, '.')), environment,
    ...(maxSteps !== undefined ? { budget: { steps: maxSteps } } : {}),
  });
  const shownDiagnostics = analysis.diagnostics
    .filter((d) => !errorsOnly || d.severity === 'error')
    .sort(byPosition);
  for (const d of shownDiagnostics) io.out(`${compilerLine(shown, d)}\n`);
  const note = outOfStepsNote(shown, analysis, maxSteps);
  if (note) io.err(`${note}\n`);
  return analysis.diagnostics.some((d) => d.severity === 'error') ? 'errors' : 'clean';
}

function byPosition(a: AnalysisDiagnostic, b: AnalysisDiagnostic): number {
  return a.range.line - b.range.line || a.range.column - b.range.column;
}
