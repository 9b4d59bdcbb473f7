import { CannotEvaluate, PyError } from '../values/errors';
import type { Evaluator } from '../evaluate/evaluator';
import { ClassValue, ModuleObject, NO_KEYWORDS, PyDict, Value, isUnknown, typeName, unknown } from '../values/values';
import { markChanged, moduleChangedBy } from '../values/unknownContents';
import { MODULE_CLASS } from './native';
import { parameterValues } from './parameterList';

function addAll(ip: Evaluator, self: ModuleObject, items: Value): void {
  for (const m of ip.iterate(items)) appendModule(self, m);
}

function appendModule(self: ModuleObject, m: Value): void {
  // PyTorch's add_module takes None too (HRNet's fuse layers hold None where i == j): it keeps the index.
  self.modules.set(String(self.childCount()), registrable(self, m, 'an item'));
}

/**
 * What a container registers for a value: the module, None, or, for an object the analysis
 * could not make, an empty slot that keeps the index (so later items are named as PyTorch names
 * them) while the container is marked as holding unknown layers.
 */
function registrable(self: ModuleObject, m: Value, what: string): ModuleObject | null {
  if (m instanceof ModuleObject || m === null) return m;
  if (isUnknown(m)) {
    // Once marked, the container stays unknown: marking it again would walk all its children on
    // each unknown item appended (fuzz seed 5 #18820 appended in a loop for 31 s).
    if (moduleChangedBy(self) === null) markChanged(self, `${what} of ${self.typeName} could not be computed: ${m.reason}`);
    return null;
  }
  throw new PyError('TypeError', `${typeName(m)} is not a Module subclass`);
}

export const SEQUENTIAL_CLASS = new ClassValue('Sequential', [MODULE_CLASS], null, null, {
  isModule: true,
  init(self, args, ip) {
    const mod = self as ModuleObject;
    const first = args.positional[0];
    if (args.positional.length === 1 && first instanceof PyDict) {
      for (const [k, v] of first.entries.values()) mod.modules.set(String(k), registrable(mod, v, `item '${String(k)}'`));
      return;
    }
    for (const m of args.positional) {
      if (isUnknown(m)) ip.unresolvedAt(ip.main, ip.mainSite() ?? ip.main.tree.topNode, `a Sequential item is unknown: ${m.reason}`);
      appendModule(mod, m);
    }
  },
  forward(self, args, ip, call) {
    let x: Value = args.positional[0] ?? null;
    for (const [, m] of self.children()) x = m ? ip.call(m, { positional: [x], keywords: NO_KEYWORDS }, call) : unknown('a Sequential item is unknown');
    return x;
  },
});

export const MODULE_LIST_CLASS = new ClassValue('ModuleList', [MODULE_CLASS], null, null, {
  isModule: true,
  init(self, args, ip) {
    const items = args.positional[0] ?? args.keywords.get('modules') ?? null;
    if (items !== null) addAll(ip, self as ModuleObject, items);
  },
});

export const MODULE_DICT_CLASS = new ClassValue('ModuleDict', [MODULE_CLASS], null, null, {
  isModule: true,
  init(self, args, ip) {
    const items = args.positional[0] ?? args.keywords.get('modules') ?? null;
    if (items !== null) updateDict(ip, self as ModuleObject, items);
  },
});

export function updateDict(ip: Evaluator, self: ModuleObject, items: Value): void {
  if (items instanceof PyDict) {
    for (const [k, v] of items.entries.values()) self.modules.set(String(k), registrable(self, v, `item '${String(k)}'`));
    return;
  }
  for (const pair of ip.iterate(items)) {
    const [k, v] = ip.iterate(pair);
    self.modules.set(String(k), registrable(self, v, `item '${String(k)}'`));
  }
}

/** A fresh, empty container of a built-in kind (for slices). */
export function newContainer(_ip: Evaluator, kind: 'Sequential' | 'ModuleList'): ModuleObject {
  return new ModuleObject(kind === 'Sequential' ? SEQUENTIAL_CLASS : MODULE_LIST_CLASS);
}

/** Methods every nn.Module has, and the list/dict methods of the containers. */
export function moduleMethod(ip: Evaluator, self: ModuleObject, name: string): ((args: Value[], kw: Map<string, Value>) => Value) | null {
  switch (name) {
    case 'add_module':
    case 'register_module':
      return ([n, m]) => {
        self.modules.set(String(n), registrable(self, m, `module '${String(n)}'`));
        return null;
      };
    case 'append':
      return ([m]) => {
        appendModule(self, m);
        return self;
      };
    case 'extend':
      return ([items]) => {
        addAll(ip, self, items);
        return self;
      };
    case 'insert':
      return ([index, m]) => {
        if (isUnknown(index)) throw new CannotEvaluate(index.reason);
        if (typeof index !== 'bigint') throw new PyError('TypeError', `'${typeName(index)}' object cannot be interpreted as an integer`);
        // PyTorch stores anything insert is given; only modules and None are modelled here.
        if (!(m instanceof ModuleObject) && m !== null && !isUnknown(m)) throw new CannotEvaluate(`${self.typeName}.insert of a ${typeName(m)}, not a module`);
        const entries = [...self.modules.values()];
        entries.splice(Number(index), 0, registrable(self, m, 'an inserted item'));
        self.modules.clear();
        entries.forEach((e, i) => self.modules.set(String(i), e));
        return null;
      };
    case 'update':
      return ([items]) => {
        updateDict(ip, self, items);
        return null;
      };
    case 'keys':
      return () => [...self.modules.keys()];
    case 'values':
    case 'children':
      return () => [...self.modules.values()].filter((m) => m !== null);
    case 'items':
    case 'named_children':
      return () => [...self.modules.entries()].map(([k, v]) => Object.assign([k, v], { isTuple: true as const }));
    case 'register_buffer':
      return ([n, t]) => {
        self.attrs.set(String(n), t);
        return null;
      };
    case 'register_parameter':
      return ([n, t]) => {
        self.attrs.set(String(n), t);
        // A parameter registered as None is a name without a tensor: PyTorch counts nothing for it.
        self.params.set(String(n), t === null ? 0n : typeof t === 'object' && 'shape' in t && t.shape ? (t.shape as bigint[]).reduce((a, b) => a * b, 1n) : null);
        return null;
      };
    case 'to':
    case 'cuda':
    case 'cpu':
    case 'eval':
    case 'train':
    case 'float':
    case 'half':
    case 'double':
    case 'requires_grad_':
      return () => self;
    case 'modules':
      return () => [self, ...namedModules(self).map(([, m]) => m)];
    case 'named_modules':
      return () => [Object.assign(['', self], { isTuple: true as const }), ...namedModules(self).map((e) => Object.assign([...e], { isTuple: true as const }))];
    case 'parameters':
    case 'named_parameters':
      return () => parameterValues(self, name === 'named_parameters');
    case 'apply':
    case 'state_dict':
    case 'load_state_dict':
    case 'zero_grad':
      return () => null;
  }
  return null;
}

let walks = 0;

/**
 * How many characters of dotted names one walk may build. A chain of modules nested 100,000 deep
 * (each wrapping the last) has names whose lengths add up to billions of characters; past this
 * limit the tree is too large to list, which the caller reports as unknown.
 */
export const MODULE_NAMES_LIMIT = 4_000_000;

/**
 * named_modules() without the root: preorder, each module once (PyTorch's memo), children by name.
 * Walked with an explicit stack, so a deeply nested tree cannot overflow the call stack.
 */
export function namedModules(root: ModuleObject): Array<[string, ModuleObject]> {
  const out: Array<[string, ModuleObject]> = [];
  walkModules(root, true, (full, child) => out.push([full, child]));
  return out;
}

/** The modules namedModules lists, in its order and under its limit, without making their names. */
export function eachModule(root: ModuleObject, visit: (module: ModuleObject) => void): void {
  walkModules(root, false, (_, child) => visit(child));
}

/** The modules namedModules lists, without their names. */
export function subModules(root: ModuleObject): ModuleObject[] {
  const out: ModuleObject[] = [];
  eachModule(root, (m) => out.push(m));
  return out;
}

interface WalkLevel {
  module: ModuleObject;
  /** The dotted name of `module` ('' for the root, and when names are not made). */
  prefix: string;
  /** Its length, counted even when names are not made. */
  length: number;
  names: Iterator<string>;
}

/** namedModules' walk; `names` false passes '' for each name but counts the characters all the same. */
function walkModules(root: ModuleObject, names: boolean, visit: (full: string, child: ModuleObject) => void): void {
  const mark = ++walks;
  root.walkMark = mark;
  if (root.childCount() === 0) return;
  let characters = 0;
  const stack: WalkLevel[] = [{ module: root, prefix: '', length: 0, names: root.childNames() }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const next = top.names.next();
    if (next.done) {
      stack.pop();
      continue;
    }
    const name = next.value;
    const child = top.module.child(name);
    if (!child || child.walkMark === mark) continue;
    child.walkMark = mark;
    const length = top.length > 0 ? top.length + 1 + name.length : name.length;
    const full = !names ? '' : top.length > 0 ? `${top.prefix}.${name}` : name;
    characters += length;
    if (characters > MODULE_NAMES_LIMIT) throw new CannotEvaluate(`the module tree is too large to list (its names pass ${MODULE_NAMES_LIMIT.toLocaleString('en-US')} characters)`);
    visit(full, child);
    if (child.childCount() > 0) stack.push({ module: child, prefix: full, length, names: child.childNames() });
  }
}
