// Compiles the AssemblyScript kernel (src/kernel/assembly/conv.ts) into two WebAssembly builds:
//   dist/kernel/conv-simd.wasm     SIMD128 only (f32x4.mul + f32x4.add), runs on every SIMD runtime;
//   dist/kernel/conv-relaxed.wasm  with relaxed SIMD, where the kernel's multiply-adds become
//                                  f32x4.relaxed_madd (a fused multiply-add on FMA hardware).
// The source picks between them with AssemblyScript's compile-time ASC_FEATURE_RELAXED_SIMD.
// AssemblyScript installs from npm, so a fresh clone builds this with plain `npm install`.
import asc from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = 'src/kernel/assembly/conv.ts';
const common = ['-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd', '--baseDir', root];
const variants = [
  { out: 'dist/kernel/conv-simd.wasm', flags: [] },
  { out: 'dist/kernel/conv-relaxed.wasm', flags: ['--enable', 'relaxed-simd'] },
];

mkdirSync(join(root, 'dist', 'kernel'), { recursive: true });
for (const variant of variants) {
  const { error, stderr } = await asc.main([source, ...common, ...variant.flags, '--outFile', variant.out]);
  if (error) {
    process.stderr.write(stderr.toString());
    throw new Error(`AssemblyScript failed to build ${variant.out}: ${error.message}`);
  }
}
process.stdout.write(`kernel: built ${variants.map((v) => v.out).join(', ')}\n`);
