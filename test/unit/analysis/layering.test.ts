import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// src/analysis is a pipeline of folders (parse, values, evaluate, torch, model). Files may import
// each other in cycles inside a folder, but a runtime import cycle that crosses a folder would tie
// two stages into one: the torch library model reaches the evaluator only through the Evaluator
// interface (a type-only import). Type-only imports are erased at build time and do not count.

const ROOT = path.resolve(__dirname, '../../../src/analysis');

type Graph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The relative modules a file imports or re-exports at run time. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const bindings = clause?.namedBindings;
      const onlyTypes = clause && !clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      if (onlyTypes) continue;
      specifier = statement.moduleSpecifier;
    } else if (ts.isExportDeclaration(statement)) {
      if (statement.isTypeOnly) continue;
      const clause = statement.exportClause;
      if (clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)) continue;
      specifier = statement.moduleSpecifier;
    }
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), specifier.text);
    const resolved = [`${target}.ts`, path.join(target, 'index.ts')].find((p) => fs.existsSync(p));
    if (resolved) out.push(resolved);
  }
  return out;
}

/** Strongly connected components of more than one file (Tarjan's algorithm). */
function cycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Cycles whose files lie in more than one folder, each as its files relative to `root`. */
function crossFolderCycles(graph: Graph, root: string): string[][] {
  return cycles(graph)
    .filter((files) => new Set(files.map((f) => path.dirname(f))).size > 1)
    .map((files) => files.map((f) => path.relative(root, f)));
}

describe('analysis: the folders are a pipeline, not a knot', () => {
  it('finds a cycle that crosses folders, and only that one', () => {
    const graph: Graph = new Map([
      ['/r/a/x.ts', ['/r/a/y.ts']],
      ['/r/a/y.ts', ['/r/a/x.ts', '/r/b/z.ts']],
      ['/r/b/z.ts', ['/r/c/w.ts']],
      ['/r/c/w.ts', ['/r/b/z.ts']],
      ['/r/b/v.ts', ['/r/b/u.ts']],
      ['/r/b/u.ts', ['/r/b/v.ts']],
    ]);
    assert.deepEqual(crossFolderCycles(graph, '/r'), [['b/z.ts', 'c/w.ts']]);
  });

  it('reads type-only imports as no dependency at run time', () => {
    const torch = path.join(ROOT, 'torch');
    for (const file of sourceFiles(torch)) {
      const reached = runtimeImports(file).map((f) => path.relative(ROOT, f));
      assert.ok(!reached.includes(path.join('evaluate', 'interpreter.ts')), `${path.relative(ROOT, file)} imports the interpreter at run time`);
    }
  });

  it('has no runtime import cycle that crosses a folder of src/analysis', () => {
    const graph: Graph = new Map(sourceFiles(ROOT).map((f) => [f, runtimeImports(f)]));
    assert.ok([...graph.values()].some((deps) => deps.length > 0), 'the import reader found no imports at all');
    assert.deepEqual(crossFolderCycles(graph, ROOT), []);
  });
});
