import * as assert from 'node:assert/strict';
import { parser } from '@lezer/python';
import { Budget } from '../../../src/analysis/evaluate/budget';
import { ModuleLoader, runModule } from '../../../src/analysis/evaluate/imports';
import { Interpreter } from '../../../src/analysis/evaluate/interpreter';
import { Scope } from '../../../src/analysis/values/scope';
import { FileUnit } from '../../../src/analysis/parse/unit';
import { ModuleObject, PyDict, Unknown, Value, isTupleValue } from '../../../src/analysis/values/values';

// A body runs through the tree walker the first time and compiled afterwards (see
// src/analysis/compiledStatements.ts). Running the same file twice, each time with a fresh
// interpreter, must leave the same names bound to the same values and report the same statements
// as unresolved, for the same reasons.

interface Outcome {
  names: Record<string, string>;
  unresolved: string[];
  steps: boolean;
}

function execute(unit: FileUnit, budget = new Budget()): Outcome {
  const loader = new ModuleLoader({ readFile: () => undefined }, []);
  const ip = new Interpreter(unit, loader, budget);
  const scope = new Scope(loader.builtins, 'module');
  runModule(ip, unit, scope);
  const names: Record<string, string> = {};
  for (const [name, value] of scope.vars) names[name] = show(value);
  return { names, unresolved: ip.unresolved.map((u) => `${u.line}:${u.column} ${u.what} -> ${u.why}`), steps: budget.exhausted };
}

function show(v: Value): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `${isTupleValue(v) ? 'tuple' : 'list'}(${v.map(show).join(', ')})`;
  if (v instanceof Unknown) return `unknown(${v.reason})`;
  if (v instanceof PyDict) return `dict(${v.keys().map((k) => `${show(k)}: ${show(v.get(k) ?? null)}`).join(', ')})`;
  if (v instanceof ModuleObject) return `${v.typeName}[${[...v.modules].map(([k, m]) => `${k}=${m ? show(m) : 'None'}`).join(', ')}]`;
  return v.constructor.name;
}

/** The outcome of the first run (tree walker) and of a second run of the same unit (compiled). */
function bothWays(body: string, budget?: () => Budget): [Outcome, Outcome] {
  const source = `import torch\nimport torch.nn as nn\n\n${body}`;
  const unit = new FileUnit('/project/net.py', source, parser.parse(source));
  return [execute(unit, budget?.()), execute(unit, budget?.())];
}

const CASES: Record<string, string> = {
  'arithmetic, comparisons and logic': `
def f(a, b=2, *rest, scale=3, **extra):
    c = a * b + scale - len(rest) // 2
    d = 1 < a <= b < 10
    e = not a or (b and c)
    g = a if c > 5 else b
    h = -a ** 2 % 7
    k = a in [1, 2] and b not in (3,) and a is not None
    return c, d, e, g, h, k, extra

r1 = f(1)
r2 = f(4, 5, 6, 7, scale=1, width=8)
r3 = f(1.5, 2.)
`,
  'subscripts, slices and unpacking': `
def f(xs):
    a, *b, c = xs
    (d, e), g = (xs[0], xs[-1]), xs[1:3]
    h = xs[::2]
    k = {'x': 1}['x']
    xs[0] = 9
    m = [1, 2]
    m += [3]
    n = m,
    return a, b, c, d, e, g, h, k, n

r1 = f([1, 2, 3, 4, 5])
r2 = f((1, 2))
`,
  'statements that fail are skipped with the same reasons': `
def f(n):
    a, b = n
    c = undefined_name + 1
    d = [1, 2][5]
    e = (1, 2, 3)
    x, y = e
    p, q, r, s = e
    g = int('x')
    h = missing(1, 2)
    k = f2(1, 2, 3)
    m = f2(1, b=2, a=3)
    o = n.attribute
    return n

def f2(a, b=1):
    return a + b

r1 = f(3)
r2 = f((1, 2))
`,
  'loops, branches and exceptions': `
def f(n, flag):
    total = 0
    for i in range(n):
        if i == 2:
            continue
        elif i > 6:
            break
        total += i
    else:
        total = -1
    while total > 3:
        total -= 2
    if flag:
        total = total * 10
    try:
        total = total // 0
    except ZeroDivisionError as err:
        total = str(err)
    finally:
        done = True
    for a, b in [(1, 2), (3, 4)]:
        total = (total, a, b)
    return total

r1 = f(5, True)
r2 = f(10, unknown_flag)
r3 = f(3, False)
`,
  'modules built in loops and helpers': `
def block(cin, cout, stride=1):
    layers = [nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout)]
    layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)

class Net(nn.Module):
    def __init__(self, widths, depth=2):
        super().__init__()
        self.blocks = nn.ModuleList()
        cin = 3
        for w in widths:
            for d in range(depth):
                self.blocks.append(block(cin, w, 2 if d == 0 else 1))
                cin = w
        self.extra = nn.ModuleList([nn.Conv2d(cin, cin, 1) for _ in range(2)])
        self.extra += [nn.Identity()]
        self.head = nn.Linear(cin, unknown_classes)

net = Net([8, 16])
net2 = Net((4,), depth=1)
`,
  'comprehensions, dicts, strings and lambdas': `
def f(n):
    a = [i * i for i in range(n) if i % 2]
    b = {k: v for k, v in zip('abc', range(3))}
    c = f'{n}-{a}' + "x" "y"
    d = (lambda x, y=2: x * y)(n)
    e = sorted([3, 1, 2], key=lambda v: -v)
    g = {1, 2, 2}
    h = dict(a=1, **{'b': n})
    return a, b, c, d, e, g, h

r1 = f(5)
r2 = f(unknown_n)
`,
  'recursion and nesting limits': `
def down(n):
    return down(n + 1)

def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)

r1 = down(0)
r2 = fact(10)
r3 = ${'('.repeat(1100)}1${')'.repeat(1100)}
r4 = fact(5)
`,
};

describe('analysis: compiled bodies behave as the tree walker', () => {
  for (const [name, body] of Object.entries(CASES)) {
    it(name, () => {
      const [walked, compiled] = bothWays(body);
      assert.ok(Object.keys(walked.names).length > 3, 'the snippet ran');
      assert.deepEqual(compiled, walked);
    });
  }

  it('stops a runaway loop at the same step budget', () => {
    const body = 'x = 0\nwhile True:\n    x = x + 1\ny = x\n';
    const [walked, compiled] = bothWays(body, () => new Budget(5_000, 48));
    assert.equal(walked.steps, true);
    assert.deepEqual(compiled, walked);
  });
});
