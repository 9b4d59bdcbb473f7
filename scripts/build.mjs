// Bundles every entry point with esbuild. esbuild does not type-check: `npm run typecheck` does.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  target: 'es2022',
};

/** @type {esbuild.BuildOptions[]} */
const targets = [
  // The extension for the desktop (Node) extension host.
  { ...common, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  // The extension for VS Code for the Web (browser extension host): no Node APIs.
  { ...common, entryPoints: ['src/extension/web.ts'], outfile: 'dist/web/extension.js', platform: 'browser', format: 'cjs', external: ['vscode'], alias: { 'node:crypto': './src/extension/shims/crypto.ts' } },
  // The analysis worker of each extension: the analysis runs there, off the extension host's thread.
  { ...common, entryPoints: ['src/worker/node.ts'], outfile: 'dist/analysisWorker.js', platform: 'node', format: 'cjs' },
  { ...common, entryPoints: ['src/worker/web.ts'], outfile: 'dist/web/analysisWorker.js', platform: 'browser', format: 'iife' },
  // The command-line tool.
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs' },
  // The comparison webview's page: a browser bundle loaded by nonce under a strict CSP.
  { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview/main.js', platform: 'browser', format: 'iife' },
  // The model view's page (src/extension/modelView): the same CSP and nonce as the comparison page.
  { ...common, entryPoints: ['src/webview/modelView.ts'], outfile: 'dist/webview/modelView.js', platform: 'browser', format: 'iife' },
  // The sandbox's Web Worker (the WebAssembly kernel off the page's thread); the page starts it from a blob: URL.
  { ...common, entryPoints: ['src/sandbox/worker.ts'], outfile: 'dist/webview/sandboxWorker.js', platform: 'browser', format: 'iife' },
];

mkdirSync('dist', { recursive: true });
if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
// The WebAssembly kernel (dist/kernel/conv-simd.wasm and conv-relaxed.wasm), built from source.
await import('./kernel/build-wasm.mjs');
