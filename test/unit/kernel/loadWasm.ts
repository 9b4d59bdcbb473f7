import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SimdVariant, WasmConvKernel, loadKernel } from '../../../src/kernel';

const root = path.join(__dirname, '../../..');
const builds = { simd: path.join(root, 'dist/kernel/conv-simd.wasm'), relaxed: path.join(root, 'dist/kernel/conv-relaxed.wasm') };

/**
 * The built kernel from dist/kernel, building it first when absent (a fresh clone that ran
 * only `npm install`). Node 20 without flags validates only the plain-SIMD build.
 */
export async function loadBuiltKernel(variant: SimdVariant | 'auto' = 'simd'): Promise<WasmConvKernel> {
  if (!fs.existsSync(builds.simd) || !fs.existsSync(builds.relaxed)) {
    execFileSync(process.execPath, [path.join(root, 'scripts/kernel/build-wasm.mjs')], { cwd: root, stdio: 'ignore' });
  }
  return loadKernel({ simd: fs.readFileSync(builds.simd), relaxed: fs.readFileSync(builds.relaxed) }, { variant });
}
