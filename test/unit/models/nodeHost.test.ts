import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeSourceHost, displayPath, readUserFile, toAnalysisPath } from '../../../src/cli/nodeHost';

// The CLI's SourceHost over the disk: what import resolution sees, and how files are named.

describe('cli: node source host', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conv-lens-host-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('reads files, treats missing files and folders as absent, and keeps the first text it read', () => {
    fs.writeFileSync(path.join(dir, 'blocks.py'), 'x = 1\n');
    fs.mkdirSync(path.join(dir, 'pkg'));
    const host = new NodeSourceHost();
    const file = toAnalysisPath(dir, 'blocks.py');
    assert.equal(host.readFile(file), 'x = 1\n');
    assert.equal(host.readFile(toAnalysisPath(dir, 'missing.py')), undefined);
    assert.equal(host.readFile(toAnalysisPath(dir, 'pkg')), undefined);
    fs.writeFileSync(path.join(dir, 'blocks.py'), 'x = 2\n');
    assert.equal(host.readFile(file), 'x = 1\n', 'one run sees one version of each file');
  });

  it('names files relative to the working folder when inside it, absolute otherwise', () => {
    const inside = toAnalysisPath(dir, 'models/net.py');
    assert.ok(inside.startsWith('/') || /^[A-Za-z]:\//.test(inside));
    assert.equal(displayPath(dir, inside), 'models/net.py');
    const outside = toAnalysisPath(dir, '../elsewhere.py');
    assert.equal(displayPath(dir, outside), outside);
  });

  it('tells a missing file from a folder when the user names one', () => {
    fs.mkdirSync(path.join(dir, 'pkg'));
    assert.deepEqual(readUserFile(toAnalysisPath(dir, 'nope.py')), { ok: false, message: 'no such file' });
    assert.deepEqual(readUserFile(toAnalysisPath(dir, 'pkg')), { ok: false, message: 'is a folder' });
  });
});
