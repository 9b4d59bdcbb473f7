import type { ParseStore } from '../analysis/types';

/** Where a command writes; tests pass in collectors, main.ts passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The folder relative paths are resolved against. */
  cwd: string;
  /** Where parses of imported files are kept across runs (the cache on disk); none in tests that do not give one. */
  parses?: ParseStore;
}

/** One `conv-lens <name>` subcommand. `run` returns the exit code: 0 ok, 1 findings or errors, 2 usage or I/O. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
