import { cliCacheFolder, diskParseStore } from '../host/parseStore';
import { CliCommand, CliIo, EXIT_USAGE } from './command';
import { benchCommand } from './commands/bench';
import { checkCommand } from './commands/check';
import { layerCommand } from './commands/layer';
import { reportCommand } from './commands/report';

/** Every subcommand, in the order `conv-lens --help` lists them. */
const COMMANDS: CliCommand[] = [layerCommand, reportCommand, checkCommand, benchCommand];

const VERSION = '0.1.0';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'conv-lens: parameters, MACs, FLOPs and shapes of PyTorch convolutions, read statically.',
    '',
    'Usage: conv-lens <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `conv-lens <command> --help` for a command\'s options.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(help());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`conv-lens: unknown command '${name}'\n\n${help()}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.usage}\n`);
    return 0;
  }
  return command.run(rest, io);
}

/** Runs the CLI on the process's arguments and streams; bin/conv-lens.js calls this. */
export function runFromProcess(): void {
  const parses = diskParseStore(cliCacheFolder(), __filename) ?? undefined;
  const io: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd(), parses };
  main(process.argv.slice(2), io).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      process.stderr.write(`conv-lens: internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
