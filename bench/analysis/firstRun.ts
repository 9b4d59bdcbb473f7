import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DocumentAnalyzer } from '../../src/analysis';
import type { SourceHost } from '../../src/analysis/types';
import { diskParseStore } from '../../src/host/parseStore';

// The first analysis of a process, in a process of its own: bench/analysis/run.ts bundles this
// file and starts it once per timed run, so nothing of an earlier run (JIT code, parses) is warm
// but what the disk keeps. Arguments: the cache folder ("off" for none), the timm folder, the
// file's path and its text. Prints {"wall": ms, "cpu": ms, "layers": n} on one line.

const [cacheFolder, timmRoot, file, text] = process.argv.slice(2);
const parses = diskParseStore(cacheFolder === 'off' ? null : cacheFolder, __filename) ?? undefined;
const host: SourceHost = {
  readFile(path) {
    try {
      return fs.statSync(path).isFile() ? fs.readFileSync(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  },
  parses,
};
const cpuStart = process.cpuUsage();
const start = performance.now();
const result = new DocumentAnalyzer({ file, host, searchRoots: ['/bench'], libraryRoots: [timmRoot] }).update(text);
const wall = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(`${JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1000, layers: result.models[0]?.layers.length ?? 0 })}\n`);
