// Lint rules that keep the layers apart and promises handled.
import tseslint from 'typescript-eslint';

const pureCore = ['src/core/**/*.ts', 'src/analysis/**/*.ts', 'src/kernel/**/*.ts', 'src/protocol/**/*.ts', 'src/sandbox/**/*.ts'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', '.vscode-test/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'src/kernel/assembly/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: ['./tsconfig.json', './bench/kernel/tsconfig.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The pure core never reaches the editor, the DOM or Node: it runs in the CLI, the
    // extension host, the webview and a web worker alike.
    files: pureCore,
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode'], message: 'The pure core must not import vscode.' },
          { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'util'], message: 'The pure core must not import Node APIs.' },
          { group: ['**/extension/**', '**/cli/**', '**/webview/**'], message: 'The pure core must not import an adapter.' },
        ],
      }],
    },
  },
  {
    // The analysis worker is an adapter of its own: it runs the pure analysis off the extension
    // host's thread and never reaches the editor. Only its Node entry may use Node APIs.
    files: ['src/worker/**/*.ts'],
    ignores: ['src/worker/node.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode'], message: 'The analysis worker must not import vscode.' },
          { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'util'], message: 'Only src/worker/node.ts may use Node APIs (the web worker has none).' },
          { group: ['**/extension/**', '**/cli/**', '**/webview/**'], message: 'The analysis worker must not import another adapter.' },
        ],
      }],
    },
  },
  {
    files: ['src/worker/node.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['vscode', '**/extension/**', '**/cli/**', '**/webview/**'], message: 'The analysis worker must not import vscode or another adapter.' }] }],
    },
  },
  {
    // The webview page is a browser bundle: it may import the core and the protocol, never vscode or Node.
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode'], message: 'The webview page runs in a browser: no vscode.' },
          { group: ['node:*', 'fs', 'path', 'os', 'child_process'], message: 'The webview page runs in a browser: no Node APIs.' },
          { group: ['**/extension/**', '**/cli/**'], message: 'The webview page must not import host code.' },
        ],
      }],
    },
  },
);
