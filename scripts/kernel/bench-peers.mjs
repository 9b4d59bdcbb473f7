// Installs the benchmark's peers (onnxruntime-web/-node, tfjs-backend-wasm) into
// bench/kernel/node_modules the first time `npm run bench:kernel` runs, then type-checks the
// benchmark against them. onnxruntime-node's postinstall would download CUDA libraries, which
// fails offline; its CPU binaries ship inside the package, so that download is skipped.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const bench = new URL('../../bench/kernel/', import.meta.url).pathname;
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });

if (!existsSync(`${bench}node_modules/onnxruntime-node/package.json`)) {
  run('npm', ['ci', '--no-audit', '--no-fund'], bench);
}
run('npx', ['tsc', '-p', `${bench}tsconfig.json`], `${bench}../..`);
