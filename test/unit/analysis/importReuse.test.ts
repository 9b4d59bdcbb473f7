import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocumentAnalyzer, analyzeFile } from '../../../src/analysis';
import type { AnalysisOptions, FileAnalysis, SourceHost } from '../../../src/analysis/types';
import { Interpreter } from '../../../src/analysis/evaluate/interpreter';
import { ModuleLoader } from '../../../src/analysis/evaluate/imports';
import { Budget } from '../../../src/analysis/evaluate/budget';
import { FileUnit } from '../../../src/analysis/parse/unit';
import { parseSource } from '../../../src/analysis/parse/parse';
import { printGraph, printsAs } from '../../../src/analysis/evaluate/graphPrint';
import { PyDict } from '../../../src/analysis/values/values';

// The editor's re-analysis reuses the modules a file's leading imports ran (evaluate/importReuse.ts).
// Whatever the file does to them, every analysis must give exactly what a cold analysis of the
// same text gives: each expectation here is analyzeFile's result on the same text and files.

const CORPUS = path.resolve(__dirname, '../../fixtures/models');
const FILE = path.join(CORPUS, 'reuse_probe.py');

/** The corpus files as a host that can change them between analyses. */
function corpusHost(): { host: SourceHost; files: Map<string, string> } {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.py')) files.set(full, fs.readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(CORPUS, 'minitimm'));
  return { files, host: { readFile: (p) => files.get(p) } };
}

function optionsFor(host: SourceHost, extra: Partial<AnalysisOptions> = {}): AnalysisOptions {
  return { file: FILE, host, searchRoots: [CORPUS], ...extra };
}

/** The whole result, comparable. */
function shown(result: FileAnalysis): string {
  return JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
}

const HEAD = 'import minitimm\nfrom minitimm.models import _registry\n';
const PLAIN = `${HEAD}model = minitimm.create_model("mini_resnet26d", num_classes=10)\n`;
// Registers another architecture under the name the file builds: a leak into the next analysis would show its layers.
const MUTATING = `${HEAD}_registry._entrypoints["mini_resnet26d"] = _registry._entrypoints["mini_resnet10t_aa"]\nmodel = minitimm.create_model("mini_resnet26d", num_classes=10)\n`;

/** Updates the analyzer with `text` (as one edit replacing everything) and checks it against a cold analysis. */
function step(analyzer: DocumentAnalyzer, previous: string | null, text: string, options: AnalysisOptions): FileAnalysis {
  const changes = previous === null ? undefined : [{ from: 0, to: previous.length, insert: text }];
  const result = analyzer.update(text, changes);
  const cold = analyzeFile(text, options);
  assert.equal(shown(result), shown(cold));
  return result;
}

describe('import reuse: every analysis is a cold one', function () {
  this.timeout(300_000);

  it('reuses the imports when the file leaves them alone, and reads each file again to check it', () => {
    const { host } = corpusHost();
    const options = optionsFor(host);
    const analyzer = new DocumentAnalyzer(options);
    step(analyzer, null, PLAIN, options);
    const edited = `${PLAIN}# an edit\n`;
    step(analyzer, PLAIN, edited, options);
    step(analyzer, edited, PLAIN, options);
    assert.equal(analyzer.importsReused, 2);
    assert.ok(analyzer.analysis?.models[0]?.layers.length, 'the model was found');
  });

  it('a file that mutates an imported registry, analysed again and again, never sees its own earlier mutation', () => {
    const { host } = corpusHost();
    const options = optionsFor(host);
    // The mutation changes the result (else this test could not fail).
    assert.notEqual(shown(analyzeFile(MUTATING, options)), shown(analyzeFile(PLAIN, options)));
    const analyzer = new DocumentAnalyzer(options);
    let text: string | null = null;
    for (const [i, next] of [PLAIN, MUTATING, `${MUTATING}# again\n`, PLAIN, `${PLAIN}# b\n`, MUTATING, PLAIN].entries()) {
      step(analyzer, text, next, options);
      // The check of the reused imports, done when idle (as the worker does) or by the next update.
      if (i % 2) analyzer.settle();
      text = next;
    }
  });

  it('a second file importing the same modules, and the first one after it, get cold results', () => {
    const { host } = corpusHost();
    const options = optionsFor(host);
    const other = { ...options, file: path.join(CORPUS, 'reuse_other.py') };
    const first = new DocumentAnalyzer(options);
    const second = new DocumentAnalyzer(other);
    step(first, null, PLAIN, options);
    step(second, null, MUTATING, other);
    step(first, PLAIN, `${PLAIN}# edit\n`, options);
    step(second, MUTATING, `${MUTATING}# edit\n`, other);
    step(first, `${PLAIN}# edit\n`, PLAIN, options);
    assert.ok(first.importsReused >= 1);
  });

  it('an imported file changed between analyses is read and run again', () => {
    const { host, files } = corpusHost();
    const options = optionsFor(host);
    const analyzer = new DocumentAnalyzer(options);
    step(analyzer, null, PLAIN, options);
    const resnet = path.join(CORPUS, 'minitimm/models/mini_resnet.py');
    files.set(resnet, files.get(resnet)!.replace('stem_width=32', 'stem_width=48'));
    const changed = step(analyzer, PLAIN, `${PLAIN}# x\n`, options);
    assert.equal(analyzer.importsReused, 0);
    assert.ok(changed.models[0]?.layers.length);
  });

  it('one budget still covers the file and everything it imports', () => {
    const { host } = corpusHost();
    for (const steps of [500, 5_000, 20_000, 50_000, 150_000]) {
      const options = optionsFor(host, { budget: { steps } });
      const analyzer = new DocumentAnalyzer(options);
      step(analyzer, null, PLAIN, options);
      step(analyzer, PLAIN, `${PLAIN}# edit\n`, options);
      step(analyzer, `${PLAIN}# edit\n`, MUTATING, options);
      step(analyzer, MUTATING, PLAIN, options);
    }
  });

  it('an edit of the imports themselves, or code between them, runs them again', () => {
    const { host } = corpusHost();
    const options = optionsFor(host);
    const analyzer = new DocumentAnalyzer(options);
    const between = `import minitimm\n_registry = None\nfrom minitimm.models import _registry\nmodel = minitimm.create_model("mini_resnet26d")\n`;
    let text: string | null = null;
    for (const next of [PLAIN, PLAIN.replace('import _registry', 'import _registry as r'), between, PLAIN]) {
      step(analyzer, text, next, options);
      text = next;
    }
  });
});

describe('import reuse: what the check covers', () => {
  it('the interpreter holds no state the carried-over records leave out (a new field must be added to records())', () => {
    const unit = new FileUnit('/p/a.py', '', parseSource(''));
    const ip = new Interpreter(unit, new ModuleLoader({ readFile: () => undefined }, []), new Budget());
    assert.deepEqual(Object.keys(ip).sort(), [
      // Carried over by records()/restoreRecords():
      'convModules', 'diagnostics', 'doubts', 'failedAt', 'firstSkippedBuilder', 'limitsMet', 'seen', 'skippedBuilders', 'unrecordedFunctionalConvs', 'unresolved',
      // At rest when a window is sealed (atRest), or set by each analysis:
      'budget', 'calls', 'constructing', 'expressionDepth', 'frames', 'hooks', 'loader', 'main', 'moduleInitDepth', 'notes', 'sites', 'tryDepth',
      // Memos of pure functions of their keys:
      'builds',
      'functionalConvs',
    ].sort());
  });

  it('a print tells a changed dict, list item or attribute from an unchanged graph', () => {
    const dict = new PyDict();
    dict.set('a', 1n);
    const list = [1n, [2n]];
    const roots = [dict, list];
    const print = printGraph(roots, new Set())!;
    assert.ok(printsAs(print, roots, new Set()));
    dict.set('a', 2n);
    assert.ok(!printsAs(print, roots, new Set()));
    dict.set('a', 1n);
    assert.ok(printsAs(print, roots, new Set()));
    (list[1] as bigint[]).push(3n);
    assert.ok(!printsAs(print, roots, new Set()));
    (list[1] as bigint[]).pop();
    assert.ok(printsAs(print, roots, new Set()));
    list[1] = [2n];
    assert.ok(!printsAs(print, roots, new Set()), 'the same contents in another object is another graph');
    assert.equal(printGraph([{ inner: dict }], new Set([dict])), null, 'a forbidden object cannot be shared');
  });
});
