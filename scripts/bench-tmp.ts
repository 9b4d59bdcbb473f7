import * as fs from 'fs';
import { createIncrementalAnalyzer } from '/work/wt-zoo-timm/src/analysis';
import { NodeSourceHost } from '/work/wt-zoo-timm/src/cli/nodeHost';
import { pythonLibraryFolders } from '/work/wt-zoo-timm/src/host/pythonLibraries';
const file = process.argv[2];
const text = fs.readFileSync(file, 'utf8');
const an = createIncrementalAnalyzer({ file, host: new NodeSourceHost(), searchRoots: [require('path').dirname(file)], libraryRoots: pythonLibraryFolders() });
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const edited = i === 0 ? text : text + '\n' + '#'.repeat(i) + '\n';
  const r = an.update(edited, i === 0 ? undefined : [{ from: text.length, to: text.length + (i === 1 ? 0 : 3), insert: '\n' + '#'.repeat(i) + '\n' }]);
  console.log(i === 0 ? 'cold' : 'edit', Math.round(performance.now() - t0), 'ms', r.models.map((m) => `${m.entry}:${m.totals.conv_macs}`));
}
