import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FromWorker, RunSettings } from '../../../src/protocol/analysis';
import type { WhatIfPlan, WhatIfResult } from '../../../src/analysis/whatif/types';
import { whatIfModel } from '../../../src/analysis/whatif/whatIf';
import { AnalysisService } from '../../../src/worker/service';

// The worker's what-if reads the model as written from the document's last analysis when that
// analysis is of the very text and settings: one analysis (the surgery) instead of two.

const ROOT = path.resolve(__dirname, '../../..');
const FILE = '/work/examples/mobilenet_v2.py';
const SOURCE = fs.readFileSync(path.join(ROOT, 'examples/mobilenet_v2.py'), 'utf8');
const SETTINGS: RunSettings = { input: null, searchRoots: [], readableRoots: null, deadlineMs: 600_000, maxSteps: 2_000_000, environment: [] };
const PLAN: WhatIfPlan = { transformations: [{ kind: 'groups', groups: 4 }], excluded: {} };

function service(): { handle: (m: unknown) => void; posted: FromWorker[]; clockReads: () => number } {
  const posted: FromWorker[] = [];
  let reads = 0;
  const s = new AnalysisService({ post: (m) => posted.push(m), now: () => (reads++, performance.now()), warn: (t) => assert.fail(t) });
  s.handle({ type: 'init', cancel: null });
  return { handle: (m) => s.handle(m), posted, clockReads: () => reads };
}

describe('analysis worker: the what-if', function () {
  this.timeout(120_000);

  it('reuses the analysis it holds for the same text, with the same result as a what-if from scratch', () => {
    const expected = whatIfModel({ file: FILE, host: { readFile: () => undefined } }, SOURCE, 'MobileNetV2', PLAN);
    const measure = (analyseFirst: boolean, source: string): { result: WhatIfResult; reads: number } => {
      const w = service();
      w.handle({ type: 'open', root: 'untitled:', path: FILE, version: 1, text: SOURCE });
      if (analyseFirst) w.handle({ type: 'analyze', run: 1, root: 'untitled:', path: FILE, version: 1, source: null, settings: SETTINGS });
      const before = w.clockReads();
      w.handle({ type: 'whatIf', run: 2, root: 'untitled:', path: FILE, source, settings: SETTINGS, entry: 'MobileNetV2', plan: PLAN });
      const answer = w.posted.find((m) => m.type === 'whatIfResult');
      assert.ok(answer && answer.type === 'whatIfResult' && answer.result, answer?.type === 'whatIfResult' ? answer.error ?? 'no result' : 'no answer');
      return { result: answer.result, reads: w.clockReads() - before };
    };
    const held = measure(true, SOURCE);
    const fresh = measure(false, SOURCE);
    // A text the held analysis is not of is analysed afresh (a comment added at the end).
    const other = measure(true, `${SOURCE}\n# edited\n`);
    for (const r of [held, fresh, other]) {
      assert.deepEqual(r.result.after.totals, expected.after.totals);
      assert.deepEqual(r.result.applyTotals, expected.applyTotals);
      assert.equal(r.result.edits.length, expected.edits.length);
    }
    // Each analysis starts its deadline with a clock reading: the held one saves the analysis of the model as written.
    assert.ok(held.reads < fresh.reads, `${held.reads} clock readings with the held analysis, ${fresh.reads} without`);
    assert.ok(held.reads < other.reads, `${held.reads} < ${other.reads}`);
  });
});
