import { strict as assert } from 'node:assert';
import { analyzeFile } from '../../../src/analysis';
import { importPolicy, isInside, normalizePath } from '../../../src/analysis/evaluate/importPolicy';

const WORKSPACE = '/home/me/project';
const LIBRARY = '/usr/lib/python3/dist-packages';

function policy(trusted: boolean, configuredRoots: string[] = [], workspaceFolders = [WORKSPACE]) {
  return importPolicy({ trusted, workspaceFolders, configuredRoots, libraryFolders: [LIBRARY] });
}

describe('import policy by workspace trust', () => {
  it('normalizes paths and refuses ones that climb above the root', () => {
    assert.equal(normalizePath('/a/./b//c/../d/'), '/a/b/d');
    assert.equal(normalizePath('/a/../../etc/passwd'), null);
    assert.equal(normalizePath('relative/path'), null);
    assert.ok(isInside('/home/me/project/src/x.py', WORKSPACE));
    assert.ok(!isInside('/home/me/project2/x.py', WORKSPACE), 'a sibling folder sharing a prefix is not inside');
  });

  it('in a trusted workspace honours every configured root, relative ones against the first folder', () => {
    const p = policy(true, ['src', '/opt/models', '../shared']);
    assert.deepEqual(p.searchRoots, [`${WORKSPACE}/src`, '/opt/models', '/home/me/shared', WORKSPACE]);
    assert.deepEqual(p.refused, []);
    assert.ok(p.allows('/etc/hosts'));
  });

  it('in Restricted Mode keeps only roots inside the workspace: no absolute path elsewhere, no ../ escape', () => {
    const p = policy(false, ['src', 'lib/../vendor', '/opt/models', '../shared', 'src/../../other', '/home/me/project/tools', '/']);
    assert.deepEqual(p.searchRoots, [`${WORKSPACE}/src`, `${WORKSPACE}/vendor`, `${WORKSPACE}/tools`, WORKSPACE]);
    assert.deepEqual(p.refused.map((r) => r.root), ['/opt/models', '../shared', 'src/../../other', '/']);
    for (const r of p.refused) assert.match(r.reason, /Restricted Mode reads only inside the workspace folders/);
  });

  it('in Restricted Mode reads only inside the workspace folders and recognised library folders', () => {
    const p = policy(false);
    assert.ok(p.allows(`${WORKSPACE}/models/net.py`));
    assert.ok(p.allows(`${LIBRARY}/torchvision/models/resnet.py`));
    for (const outside of ['/etc/passwd.py', '/home/me/.ssh/id_rsa.py', `${WORKSPACE}/../secret.py`, `${WORKSPACE}/a/../../secret.py`, '/home/me/project2/x.py', '/usr/lib/python3/other/x.py', 'relative.py']) {
      assert.ok(!p.allows(outside), outside);
    }
  });

  it('refuses a relative root with no workspace folder, and reads nothing but libraries untrusted without one', () => {
    const p = policy(false, ['src'], []);
    assert.deepEqual(p.searchRoots, []);
    assert.match(p.refused[0].reason, /needs a workspace folder/);
    assert.ok(!p.allows('/tmp/x.py'));
    assert.ok(p.allows(`${LIBRARY}/timm/__init__.py`));
  });

  it('feeds the analysis: an untrusted file importing from outside the workspace reads nothing there', () => {
    const reads: string[] = [];
    const p = policy(false, ['/opt/models']);
    const files: Record<string, string> = {
      '/opt/models/secret_layers.py': 'import torch.nn as nn\ndef make():\n    return nn.Conv2d(3, 8, 3)\n',
      [`${WORKSPACE}/inside_layers.py`]: 'import torch.nn as nn\ndef make():\n    return nn.Conv2d(3, 16, 3)\n',
    };
    const host = { readFile: (path: string) => { reads.push(path); return p.allows(path) ? files[path] : undefined; } };
    const source = 'import torch.nn as nn\nfrom secret_layers import make as a\nfrom inside_layers import make as b\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = a()\n        self.b = b()\n';
    const analysis = analyzeFile(source, { file: `${WORKSPACE}/net.py`, host, searchRoots: p.searchRoots });
    assert.deepEqual(analysis.models[0].layers.map((l) => l.record?.spec.out_channels ?? null), [16n]);
    assert.ok(!reads.some((r) => r.startsWith('/opt/')), reads.join(', '));
  });
});

describe('absolute imports search a bounded number of parent folders', () => {
  function readsFor(file: string, searchRoots: string[]): string[] {
    const reads: string[] = [];
    analyzeFile('import helpers\n', { file, host: { readFile: (path) => { reads.push(path); return undefined; } }, searchRoots });
    return reads.filter((r) => r.endsWith('helpers.py'));
  }

  it('stops at the search root holding the file (a workspace folder, the current folder)', () => {
    assert.deepEqual(readsFor('/home/me/project/src/pkg/net.py', ['/home/me/project']), [
      '/home/me/project/src/pkg/helpers.py', '/home/me/project/src/helpers.py', '/home/me/project/helpers.py', '/home/me/project/helpers.py',
    ].filter((v, i, all) => all.indexOf(v) === i));
  });

  it('walks at most three parents for a file under no search root, and never reads from /', () => {
    const reads = readsFor('/a/b/c/d/e/net.py', ['/elsewhere']);
    assert.deepEqual(reads, ['/a/b/c/d/e/helpers.py', '/a/b/c/d/helpers.py', '/a/b/c/helpers.py', '/a/b/helpers.py', '/elsewhere/helpers.py']);
    assert.ok(!readsFor('/net.py', []).includes('/helpers.py'));
  });
});
