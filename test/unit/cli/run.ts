import { CliIo } from '../../../src/cli/command';
import { main } from '../../../src/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI entry point in-process with captured streams. */
export async function runCli(argv: string[], cwd = process.cwd()): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => { stdout += t; }, err: (t) => { stderr += t; }, cwd };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
