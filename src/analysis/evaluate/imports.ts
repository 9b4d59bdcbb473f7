import { SyntaxNode } from '@lezer/common';
import { makeBuiltins, standardModules } from './builtins';
import type { Interpreter } from './interpreter';
import { Scope } from '../values/scope';
import { execBody } from './statements';
import { torchNamespaces } from '../torch/namespaces';
import { timmStandIn } from '../torch/timmStandIns';
import type { ParseStore, SourceHost } from '../types';
import { parseStored } from '../parse/parse';
import { FileUnit } from '../parse/unit';
import { Namespace, PyDict, Value, unknown } from '../values/values';
import { sysModule } from './introspection';
import { PyError } from '../values/errors';
import { BudgetExceeded, MAX_SOURCE_CHARS, tooLargeReason } from './budget';

/**
 * Finds, parses and runs the modules a file imports: torch and the standard library are built
 * in; project files are read through the host (relative imports from the file's package,
 * absolute ones from the file's folder, its parents and the search roots), each run once.
 */
export class ModuleLoader {
  readonly builtins: Scope = makeBuiltins();
  /** sys.modules: every module by name, set as it starts running (a registry looks its caller's module up there). */
  private readonly sysModules = new PyDict();
  private readonly known: Map<string, Namespace>;
  private readonly files = new Map<string, Namespace | null>();
  /** What each read through the host gave, by path (the first read of each): what a reuse must find again. */
  readonly reads = new Map<string, ReturnType<SourceHost['readFile']>>();
  /** Each project file run, with its globals (a parsed unit is shared by analyses; see reuse). */
  private readonly ran = new Map<FileUnit, Scope>();
  /** The '__main__' entry of sys.modules: the analysed file's, not part of what may be shared. */
  private main: Namespace | null = null;

  /**
   * The environment variables the run code read through os.environ (true: set), in the order
   * read, and whether it listed the whole environment. Kept apart from what the modules can
   * reach, so that a read does not count as a change of the shared modules (importReuse.ts).
   */
  readonly environmentReads = new Map<string, boolean>();
  environmentListed = false;

  constructor(
    private host: SourceHost,
    private readonly roots: string[],
    private readonly libraryRoots: string[] = [],
    environment?: Readonly<Record<string, string>>,
  ) {
    const noted = environment && {
      variables: environment,
      read: (name: string | null) => {
        if (name === null) this.environmentListed = true;
        else if (!this.environmentReads.has(name)) this.environmentReads.set(name, Object.prototype.hasOwnProperty.call(environment, name));
      },
    };
    this.known = new Map<string, Namespace>([...torchNamespaces(), ...standardModules(noted), ['sys', sysModule(this.sysModules)]]);
  }

  /** The analyzed file itself, which Python keeps in sys.modules as '__main__' (a registry decorating its functions looks it up there). */
  registerMain(scope: Scope): void {
    this.main = new Namespace('__main__', scope.vars);
    this.sysModules.set('__main__', this.main);
  }

  /** How many project files have been run. */
  get filesRun(): number {
    return this.ran.size;
  }

  /** The files run, for the interpreter records a reuse carries over. */
  get units(): FileUnit[] {
    return [...this.ran.keys()];
  }

  /** Everything this loader made that later analyses may share, and the analysed file's entry, which they must not. */
  sharedRoots(): { roots: unknown[]; main: Namespace | null } {
    return { roots: [this.builtins, this.sysModules, this.known, this.files, this.ran], main: this.main };
  }

  /**
   * Makes this loader, with every module it ran, serve a new analysis: reads go through the new
   * host, and each parsed file's globals are its own again (another analysis that ran the same
   * parsed file in the meantime set them to its own).
   */
  reuseWith(host: SourceHost): void {
    this.host = host;
    for (const [unit, scope] of this.ran) unit.scope = scope;
  }

  private read(path: string): ReturnType<SourceHost['readFile']> {
    const text = this.host.readFile(path);
    if (!this.reads.has(path)) this.reads.set(path, text);
    return text;
  }

  /** A module by dotted name, relative to `from` when `level` > 0; an open namespace when not found. */
  resolve(ip: Interpreter, dotted: string, level: number, from: FileUnit): Namespace {
    if (level === 0) {
      const known = this.known.get(dotted);
      if (known) return known;
      const top = dotted.split('.')[0];
      if (top === 'torch' || top === 'torchvision' || top === 'numpy' || top === 'timm') {
        const found = this.fromOwnPackage(ip, dotted, from) ?? this.fromLibraryRoots(ip, dotted);
        if (found) return found;
        return top === 'timm' ? timmStandIn(dotted) : new Namespace(dotted, new Map(), true, top === 'torchvision' ? notInstalled(top) : `${top} is a library the analysis does not read`);
      }
    }
    for (const base of this.bases(dotted, level, from)) {
      const found = this.loadPath(ip, `${base}.py`, dotted) ?? this.loadPath(ip, `${base}/__init__.py`, dotted);
      if (found) return found;
    }
    return new Namespace(dotted || '.', new Map(), true, notFound(dotted, level, from));
  }

  /**
   * A file inside a library's own source tree (torchvision's models importing
   * `torchvision.ops.misc`, a vendored copy of timm) imports that library's files, not the opaque
   * stand-in other files get.
   */
  private fromOwnPackage(ip: Interpreter, dotted: string, from: FileUnit): Namespace | null {
    const top = dotted.split('.')[0];
    const at = from.path.lastIndexOf(`/${top}/`);
    if (at < 0) return null;
    const base = from.path.slice(0, at) + `/${dotted.split('.').join('/')}`;
    return this.loadPath(ip, `${base}.py`, dotted) ?? this.loadPath(ip, `${base}/__init__.py`, dotted);
  }

  /** torchvision or timm as installed, so `models.resnet50()` inside a user's model builds its layers. */
  private fromLibraryRoots(ip: Interpreter, dotted: string): Namespace | null {
    const top = dotted.split('.')[0];
    if (top !== 'torchvision' && top !== 'timm') return null;
    for (const root of this.libraryRoots) {
      const base = `${root.replace(/\/$/, '')}/${dotted.split('.').join('/')}`;
      const found = this.loadPath(ip, `${base}.py`, dotted) ?? this.loadPath(ip, `${base}/__init__.py`, dotted);
      if (found) return found;
    }
    return null;
  }

  /**
   * Where an import may be: for a relative one, the package folder its dots name; for an absolute
   * one, the file's folder and its parents, then the search roots. The upward walk stops at the
   * innermost search root holding the file (a workspace folder, the CLI's current folder) and
   * otherwise after MAX_PARENT_LEVELS parents; it never reaches the file system root, so a file
   * cannot make the analysis read `.py` files from every folder up to `/`.
   */
  private bases(dotted: string, level: number, from: FileUnit): string[] {
    const rel = dotted ? `/${dotted.split('.').join('/')}` : '';
    let dir = dirname(from.path);
    if (level > 0) {
      for (let i = 1; i < level; i++) dir = dirname(dir);
      return [dir + rel];
    }
    const roots = this.roots.map((root) => root.replace(/\/$/, ''));
    const ceiling = roots.filter((root) => root !== '' && (dir === root || dir.startsWith(`${root}/`))).sort((a, b) => b.length - a.length)[0];
    const out: string[] = [];
    for (let d = dir, up = 0; d !== '/'; d = dirname(d), up++) {
      out.push(d + rel);
      if (ceiling ? d === ceiling : up >= MAX_PARENT_LEVELS) break;
    }
    for (const root of roots) out.push(root + rel);
    return out;
  }

  private loadPath(ip: Interpreter, path: string, name: string): Namespace | null {
    if (this.files.has(path)) return this.files.get(path)!;
    const text = this.read(path);
    if (text === undefined) {
      this.files.set(path, null);
      return null;
    }
    if (typeof text !== 'string' || text.length > MAX_SOURCE_CHARS) {
      // Found but not read: its names are unknown with the reason, and nothing else is tried.
      const why = typeof text === 'string' ? tooLargeReason(text.length, 'characters') : text.unread;
      const ns = new Namespace(name, new Map(), true, `${path} is ${why.startsWith('not ') ? why : `a ${why}`}`);
      this.files.set(path, ns);
      return ns;
    }
    const unit = parsedUnit(path, text, this.host.parses);
    const scope = new Scope(this.builtins, 'module');
    scope.vars.set('__name__', name);
    unit.scope = scope;
    this.ran.set(unit, scope);
    const ns = new Namespace(name, scope.vars);
    this.files.set(path, ns);
    this.sysModules.set(name, ns);
    runModule(ip, unit, scope);
    return ns;
  }
}

/**
 * Imported files' parses, kept across analyses by path and checked against the exact text read
 * now: re-analysing a file that imports timm (about a hundred model files) parses none of them
 * again, and their statements stay compiled (a compiled statement holds no value of a run).
 * The text is read through the host every time, so what may be read is decided afresh. A first
 * parse in this process goes through the host's parse store, if it has one.
 */
const parsedUnits = new Map<string, FileUnit>();
let parsedChars = 0;
const MAX_PARSED_CHARS = 64_000_000;

function parsedUnit(path: string, text: string, store: ParseStore | undefined): FileUnit {
  const known = parsedUnits.get(path);
  if (known && known.source === text && !known.executing) {
    // Most recently used last, so the oldest go first when the cache is full.
    parsedUnits.delete(path);
    parsedUnits.set(path, known);
    return known;
  }
  if (known) {
    parsedUnits.delete(path);
    parsedChars -= known.source.length;
  }
  const unit = new FileUnit(path, text, parseStored(text, store));
  parsedUnits.set(path, unit);
  parsedChars += text.length;
  for (const [oldest, old] of parsedUnits) {
    if (parsedChars <= MAX_PARSED_CHARS) break;
    parsedUnits.delete(oldest);
    parsedChars -= old.source.length;
  }
  return unit;
}

/** Runs a module's top-level statements; a limit only cuts this module short. */
export function runModule(ip: Interpreter, unit: FileUnit, scope: Scope): void {
  const saved = ip.budget.depth;
  try {
    execBody(ip, unit.tree.topNode, scope, unit);
  } catch (e) {
    if (!(e instanceof BudgetExceeded)) throw e;
    ip.budget.depth = saved;
    ip.unresolvedAt(unit, unit.tree.topNode, e.reason);
  }
}

/** Why a library import could not be read, and how to let the analysis read it. */
function notInstalled(top: string): string {
  return `${top} was not found where installed packages are looked for (PYTHONPATH, the active virtualenv or conda environment, site-packages); install it there, or add the folder that holds it as an import search root`;
}

/** Why a project import could not be read: where it was looked for, and how to let the analysis find it. */
function notFound(dotted: string, level: number, from: FileUnit): string {
  const file = from.path.slice(from.path.lastIndexOf('/') + 1);
  const name = `${'.'.repeat(level)}${dotted}`;
  if (level > 0) return `${name} was not found relative to ${file}; open the file inside its package, or add the folder that holds the package as an import search root`;
  return `${name} was not found next to ${file}, in its parent folders or in the import search roots; add the folder that holds it as an import search root`;
}

/** Parents searched above a file that lies under no search root. */
const MAX_PARENT_LEVELS = 3;

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** `import a.b as c`, `import a.b`, `from .x import y as z`, `from x import *`. */
export function execImport(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): void {
  const first = stmt.firstChild!;
  if (first.name === 'from') {
    let level = 0;
    const path: string[] = [];
    let c = first.nextSibling;
    for (; c && c.name !== 'import'; c = c.nextSibling) {
      // Dots count as the relative level only before the first name (`from ..a.b import c`).
      if (c.name === '.' && path.length === 0) level++;
      else if ((c.name === 'Ellipsis' || unit.text(c) === '...') && path.length === 0) level += 3;
      else if (c.name === 'VariableName') path.push(unit.text(c));
    }
    const dotted = path.join('.');
    const module = ip.loader.resolve(ip, dotted, level, unit);
    noteUnread(ip, module, stmt, unit);
    for (c = c?.nextSibling ?? null; c; c = c.nextSibling) {
      if (c.name === '*') {
        for (const [k, v] of module.members) if (!k.startsWith('_')) scope.set(k, v);
      } else if (c.name === 'VariableName') {
        const name = unit.text(c);
        let alias = name;
        if (c.nextSibling?.name === 'as') {
          c = c.nextSibling.nextSibling!;
          alias = unit.text(c);
        }
        scope.set(alias, importedMember(ip, module, name, dotted, level, unit));
      }
    }
    return;
  }
  let path: string[] = [];
  for (let c = first.nextSibling; c; c = c.nextSibling) {
    if (c.name === 'VariableName') path.push(unit.text(c));
    else if (c.name === 'as') {
      c = c.nextSibling!;
      const module = ip.loader.resolve(ip, path.join('.'), 0, unit);
      noteUnread(ip, module, stmt, unit);
      scope.set(unit.text(c), module);
      path = [];
    } else if (c.name === ',') {
      bindTopPackage(ip, path, scope, stmt, unit);
      path = [];
    }
  }
  bindTopPackage(ip, path, scope, stmt, unit);
}

/** An import of a file that was found but not read (too large, not a regular file) says so where it is written. */
function noteUnread(ip: Interpreter, module: Namespace, stmt: SyntaxNode, unit: FileUnit): void {
  if (module.why) ip.unresolvedAt(unit, stmt, `${module.name} was not read: ${module.why}`);
}

/** `import a.b.c` binds `a`, with `b` and `c` reachable as attributes. */
function bindTopPackage(ip: Interpreter, path: string[], scope: Scope, stmt: SyntaxNode, unit: FileUnit): void {
  if (path.length === 0) return;
  const top = ip.loader.resolve(ip, path[0], 0, unit);
  noteUnread(ip, top, stmt, unit);
  let parent = top;
  for (let i = 1; i < path.length; i++) {
    const child = ip.loader.resolve(ip, path.slice(0, i + 1).join('.'), 0, unit);
    noteUnread(ip, child, stmt, unit);
    if (!parent.members.has(path[i])) parent.members.set(path[i], child);
    parent = child;
  }
  scope.set(path[0], top);
}

function importedMember(ip: Interpreter, module: Namespace, name: string, dotted: string, level: number, unit: FileUnit): Value {
  const v = module.members.get(name);
  if (v !== undefined) return v;
  const sub = ip.loader.resolve(ip, dotted ? `${dotted}.${name}` : name, level, unit);
  if (!sub.open) return sub;
  if (module.open) {
    const statement = `from ${'.'.repeat(level)}${dotted} import ${name}`;
    return unknown(module.why ? `\`${statement}\` failed: ${module.why}` : `${module.name}.${name} is outside the analyzed code`);
  }
  throw new PyError('ImportError', `cannot import name '${name}' from '${dotted || '.'}'`);
}
