import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parser } from '@lezer/python';
import { analyzeFile } from '../../../src/analysis';
import { fastParseNodes, wellFormedNodes } from '../../../src/analysis/parse/fastparse';
import { treeDifference } from '../../../src/analysis/parse/fastparse/treeDiff';
import { STORED_PARSE_MIN_CHARS, parseSource, parseStored } from '../../../src/analysis/parse/parse';
import type { FileAnalysis, ParseStore } from '../../../src/analysis/types';
import { NodeSourceHost } from '../../../src/cli/nodeHost';
import { DiskParseStore, cliCacheFolder, diskParseStore } from '../../../src/host/parseStore';

// The parse cache on disk (issue 11's speed goal for a new process): a stored parse is the very
// tree a fresh parse builds, a damaged or foreign file is never read as one, and an analysis
// through the cache gives the figures it gives without.

const MODELS = path.resolve(__dirname, '../../fixtures/models');
const SOURCE = fs.readFileSync(path.join(MODELS, 'minitimm/models/mini_efficientnet.py'), 'utf8');
const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

/** A store that counts what it was asked and what it found. */
class Counted implements ParseStore {
  hits = 0;
  misses = 0;
  saves = 0;
  constructor(private readonly inner: ParseStore) {}
  load(text: string): Int32Array | undefined {
    const found = this.inner.load(text);
    if (found) this.hits++;
    else this.misses++;
    return found;
  }
  save(text: string, nodes: Int32Array): void {
    this.saves++;
    this.inner.save(text, nodes);
  }
}

function storedFiles(folder: string): string[] {
  return fs.existsSync(folder) ? fs.readdirSync(folder).filter((n) => n.endsWith('.parse')).map((n) => path.join(folder, n)) : [];
}

describe('parse cache on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conv-lens-parses-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives back, in another process\'s store, the very nodes saved for the same text and parser', () => {
    const nodes = fastParseNodes(SOURCE)!;
    new DiskParseStore(dir, 'parser-a').save(SOURCE, nodes);
    const again = new DiskParseStore(dir, 'parser-a').load(SOURCE);
    assert.deepEqual(again, nodes);
    assert.equal(new DiskParseStore(dir, 'parser-b').load(SOURCE), undefined, 'another parser never reads it');
    assert.equal(new DiskParseStore(dir, 'parser-a').load(`${SOURCE} `), undefined, 'another text never reads it');
    assert.deepEqual(storedFiles(dir).length, 1, 'no temporary file is left');
  });

  it('reads a stored parse as the tree a fresh parse builds', () => {
    const store = new Counted(new DiskParseStore(dir, 'p'));
    const first = parseStored(SOURCE, store);
    const second = parseStored(SOURCE, store);
    assert.deepEqual([store.misses, store.saves, store.hits], [1, 1, 1]);
    const fresh = parseSource(SOURCE);
    assert.equal(treeDifference(fresh, first), null);
    assert.equal(treeDifference(fresh, second), null);
    assert.equal(treeDifference(parser.parse(SOURCE), second), null, "lezer's own tree");
  });

  it('neither asks nor fills the store for a short file, or for one fastParse leaves to lezer', () => {
    const store = new Counted(new DiskParseStore(dir, 'p'));
    const short = SOURCE.slice(0, STORED_PARSE_MIN_CHARS - 1);
    assert.equal(treeDifference(parseSource(short), parseStored(short, store)), null);
    // An unclosed call: a syntax error lezer recovers from.
    const broken = `${SOURCE}\nx = foo(\n`;
    assert.equal(fastParseNodes(broken), null);
    assert.equal(treeDifference(parser.parse(broken), parseStored(broken, store)), null);
    assert.equal(store.hits + store.saves, 0);
    assert.equal(storedFiles(dir).length, 0);
  });

  it('takes a damaged, truncated or foreign file for a miss and parses afresh', () => {
    const store = new DiskParseStore(dir, 'p');
    parseStored(SOURCE, store);
    const [file] = storedFiles(dir);
    const good = fs.readFileSync(file);
    const damage: Array<[string, Buffer]> = [
      ['a changed node word', Buffer.concat([good.subarray(0, 100), Buffer.from([good[100] ^ 1]), good.subarray(101)])],
      ['a truncated file', good.subarray(0, good.length - 8)],
      ['an odd size', good.subarray(0, good.length - 1)],
      ['another magic number', Buffer.concat([Buffer.from([0, 0, 0, 0]), good.subarray(4)])],
      ['an empty file', Buffer.alloc(0)],
    ];
    for (const [what, bytes] of damage) {
      fs.writeFileSync(file, bytes);
      assert.equal(new DiskParseStore(dir, 'p').load(SOURCE), undefined, what);
      assert.equal(treeDifference(parseSource(SOURCE), parseStored(SOURCE, new DiskParseStore(dir, 'p'))), null, what);
      assert.deepEqual(fs.readFileSync(file), good, `${what}: stored again, whole`);
    }
  });

  it('never gives Tree.build a buffer whose nodes do not nest or leave the text', () => {
    const nodes = fastParseNodes(SOURCE)!;
    assert.ok(wellFormedNodes(nodes, SOURCE.length));
    const broken = (edit: (n: Int32Array) => void): Int32Array => {
      const copy = nodes.slice();
      edit(copy);
      return copy;
    };
    const last = nodes.length - 4;
    assert.equal(wellFormedNodes(nodes, SOURCE.length - 1), false, 'a span past the end of the text');
    assert.equal(wellFormedNodes(nodes.subarray(1), SOURCE.length), false, 'not whole nodes');
    assert.equal(wellFormedNodes(broken((n) => { n[last] = 9999; }), SOURCE.length), false, 'an unknown node type');
    assert.equal(wellFormedNodes(broken((n) => { n[last + 3] = nodes.length + 4; }), SOURCE.length), false, 'a size past the buffer');
    assert.equal(wellFormedNodes(broken((n) => { n[last + 3] = 6; }), SOURCE.length), false, 'a size of part of a node');
    assert.equal(wellFormedNodes(broken((n) => { n[last + 1] = n[last + 2] + 1; }), SOURCE.length), false, 'a node ending before it starts');
    // The last statement's last child claims one node more than its parent holds: still inside
    // the buffer, but reaching into the statement before.
    const parentStart = nodes.length - nodes[last + 3];
    assert.ok(parentStart > 0, 'the file has several statements');
    const child = last - 4;
    assert.equal(wellFormedNodes(broken((n) => { n[child + 3] = child + 4 - (parentStart - 4); }), SOURCE.length), false, 'a child larger than its parent');
    const lying: ParseStore = { load: () => broken((n) => { n[last + 3] = 6; }), save: () => undefined };
    assert.equal(treeDifference(parseSource(SOURCE), parseStored(SOURCE, lying)), null, 'a store giving such a buffer is passed over');
  });

  it('passes over a store that throws', () => {
    const throwing: ParseStore = { load: () => { throw new Error('disk gone'); }, save: () => { throw new Error('disk full'); } };
    assert.equal(treeDifference(parseSource(SOURCE), parseStored(SOURCE, throwing)), null);
  });

  it('keeps the folder under its size limit, the oldest files going first', () => {
    const order: string[] = [];
    for (const i of [0, 1, 2, 3]) {
      const text = `${SOURCE}\n# ${i}\n`;
      new DiskParseStore(dir, 'p').save(text, fastParseNodes(text)!);
      order.push(...storedFiles(dir).filter((f) => !order.includes(f)));
    }
    assert.equal(order.length, 4);
    // Written over four runs, a minute apart.
    order.forEach((f, i) => fs.utimesSync(f, new Date(), new Date(Date.now() - (order.length - i) * 60_000)));
    const store = new DiskParseStore(dir, 'p', fs.statSync(order[0]).size * 2.5);
    const newest = `${SOURCE}\n# newest\n`;
    store.save(newest, fastParseNodes(newest)!);
    const left = storedFiles(dir);
    assert.equal(left.length, 2, 'two files fit under the limit');
    assert.ok(store.load(newest), 'the file just saved stays');
    assert.ok(left.includes(order[3]), 'beside the newest of the older ones');
  });
});

describe('parse cache: the analysis through it', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conv-lens-parses-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The minitimm corpus under a folder of its own (new paths: this process has parsed none of them), analysed through `store`. */
  function analyzeCopy(name: string, store: ParseStore | undefined): FileAnalysis {
    const folder = path.join(dir, name);
    fs.cpSync(path.join(MODELS, 'minitimm'), path.join(folder, 'minitimm'), { recursive: true });
    const file = path.join(folder, 'use_minitimm.py');
    fs.copyFileSync(path.join(MODELS, 'use_minitimm.py'), file);
    const analysis = analyzeFile(fs.readFileSync(file, 'utf8'), { file, host: new NodeSourceHost(store), searchRoots: [folder] });
    return JSON.parse(json(analysis).split(folder).join('<corpus>')) as FileAnalysis;
  }

  it('gives the figures it gives without the cache, whether it fills it, reads it or finds it damaged', () => {
    const parses = path.join(dir, 'cache', 'parses');
    const without = analyzeCopy('plain', undefined);
    assert.ok(without.models[0]?.layers.length > 10, 'the corpus model is found');

    const filling = new Counted(new DiskParseStore(parses, 'p'));
    assert.deepEqual(analyzeCopy('filling', filling), without);
    assert.ok(filling.saves >= 5 && filling.hits === 0, json(filling));

    const reading = new Counted(new DiskParseStore(parses, 'p'));
    assert.deepEqual(analyzeCopy('reading', reading), without);
    assert.deepEqual([reading.hits, reading.saves], [filling.saves, 0]);

    for (const file of storedFiles(parses)) {
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 1] ^= 0x10;
      fs.writeFileSync(file, bytes);
    }
    const damaged = new Counted(new DiskParseStore(parses, 'p'));
    assert.deepEqual(analyzeCopy('damaged', damaged), without);
    assert.deepEqual([damaged.hits, damaged.saves], [0, filling.saves]);
  });

  it('is kept where the CLI and its environment say, or nowhere', () => {
    assert.equal(cliCacheFolder({ CONV_LENS_CACHE: 'off' }), null);
    assert.equal(cliCacheFolder({ CONV_LENS_CACHE: dir }), dir);
    if (process.platform !== 'darwin' && process.platform !== 'win32') {
      assert.equal(cliCacheFolder({ XDG_CACHE_HOME: '/xdg' }), path.join('/xdg', 'conv-lens'));
      assert.equal(cliCacheFolder({}), path.join(os.homedir(), '.cache', 'conv-lens'));
    }
    assert.equal(diskParseStore(null, __filename), null, 'no folder, no store');
    assert.equal(diskParseStore(dir, path.join(dir, 'no-such-bundle.js')), null, 'code it cannot fingerprint never stores');
    const store = diskParseStore(dir, __filename)!;
    store.save(SOURCE, fastParseNodes(SOURCE)!);
    assert.equal(storedFiles(path.join(dir, 'parses')).length, 1);
  });
});
