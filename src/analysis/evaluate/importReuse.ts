import type { SyntaxNode } from '@lezer/common';
import type { FileUnit } from '../parse/unit';
import type { Scope } from '../values/scope';
import type { Value } from '../values/values';
import type { SourceHost } from '../types';
import type { Interpreter, InterpreterRecords } from './interpreter';
import type { ModuleLoader } from './imports';
import { GraphPrint, printGraph, printsAs } from './graphPrint';

/**
 * The editor analyses a file again at every edit; a file that imports timm spends nearly all of
 * its analysis running timm's hundred files. This keeps, per document, the modules its leading
 * import statements ran (the "window": the top-level statements before the first one that is
 * not an import), so the next analysis starts after them instead.
 *
 * Invariant: an analysis that reuses a window stands, after it, exactly where a cold analysis of
 * its own text would stand:
 * - the same code ran: its text up to the end of the window is the same, and every file the
 *   window read (or looked for and did not find) reads the same through the host now;
 * - from the same start: a window is only import statements, and its imports ran first, on a
 *   fresh loader, under the same options (one DocumentAnalyzer's, which drops this on any change);
 * - with the same effects: the window ran to its end with the budget unspent and nothing
 *   running, and the new analysis gets its bindings, its step count (one budget still covers
 *   the file and everything it imports) and what the interpreter had recorded (diagnostics,
 *   unresolved entries, failures, doubts);
 * - and nothing since changed what it made: at the end of every analysis that used the modules,
 *   everything reachable from the loader (modules, registries, classes, builtins, sys.modules)
 *   must print exactly as it printed when the window ended (graphPrint.ts). A file that mutates
 *   an imported registry, or whose later code imports more, fails that check; its own result is
 *   still right (it started from the window's state), but the modules are dropped and the next
 *   analysis runs its imports again. A reused window is also checked again, so a later edit that
 *   starts mutating is caught the same way.
 */
export interface SealedImports {
  readonly loader: ModuleLoader;
  /** The file's text up to the end of the window's last import statement. */
  readonly prefix: string;
  /** The analysed file's globals after the window, in order. */
  readonly bindings: ReadonlyArray<readonly [string, Value]>;
  readonly steps: number;
  readonly records: InterpreterRecords;
  readonly print: GraphPrint;
}

/** Where the leading import statements of a file end (0 when it starts with none). */
export function importWindowEnd(unit: FileUnit): number {
  let end = 0;
  for (let stmt = unit.tree.topNode.firstChild; stmt; stmt = stmt.nextSibling) {
    if (stmt.name === 'Comment') continue;
    if (stmt.name !== 'ImportStatement') break;
    end = stmt.to;
  }
  return end;
}

/** Whether a top-level statement is inside the window ending at `end`. */
export function inWindow(stmt: SyntaxNode, end: number): boolean {
  return stmt.to <= end;
}

/** What a loader shares, and what the analysed file owns and must not be reachable from it (but through its sys.modules entry, which each analysis sets to its own). */
function shared(loader: ModuleLoader, scope: Scope, unit: FileUnit, bindings: ReadonlyArray<readonly [string, Value]>) {
  const { roots, main } = loader.sharedRoots();
  return { roots: [...roots, ...bindings.map(([, v]) => v)], forbidden: new Set<object>([scope, scope.vars, unit]), standIn: main };
}

/** Per document: the window its last analysis left, if it can be used again. */
export class ImportReuse {
  private sealed: SealedImports | null = null;
  /** The window the last analysis used, until checked (see finish). */
  private pending: { sealed: SealedImports; scope: Scope; unit: FileUnit } | null = null;
  /** How many analyses started after a reused window. */
  reuses = 0;

  /**
   * The window the analysis of `unit` may start from, or null. It is taken: the analysis owns
   * the modules until `finish` proves them unchanged.
   */
  take(unit: FileUnit, host: SourceHost): SealedImports | null {
    this.settle();
    const sealed = this.sealed;
    this.sealed = null;
    if (!sealed) return null;
    const end = importWindowEnd(unit);
    if (end !== sealed.prefix.length || !unit.source.startsWith(sealed.prefix)) return null;
    for (const [path, was] of sealed.loader.reads) if (!sameRead(host.readFile(path), was)) return null;
    sealed.loader.reuseWith(host);
    this.reuses++;
    return sealed;
  }

  /** Seals the window a cold analysis has just run, if it may be reused (see the invariant). */
  static seal(ip: Interpreter, loader: ModuleLoader, unit: FileUnit, scope: Scope, end: number): SealedImports | null {
    if (end === 0 || loader.filesRun === 0 || !ip.atRest || ip.budget.spentReason !== null) return null;
    const bindings = [...scope.vars];
    const { roots, forbidden, standIn } = shared(loader, scope, unit, bindings);
    const print = printGraph(roots, forbidden, standIn);
    if (!print) return null;
    return { loader, prefix: unit.source.slice(0, end), bindings, steps: ip.budget.used, records: ip.records(loader.units), print };
  }

  /** Starts a new analysis where the window ended. */
  static resume(sealed: SealedImports, ip: Interpreter, scope: Scope): void {
    for (const [name, value] of sealed.bindings) scope.vars.set(name, value);
    ip.restoreRecords(sealed.records);
    ip.budget.tick(sealed.steps);
  }

  /**
   * After an analysis that used the window's modules: they are kept for the next one only if
   * they are as the window left them. The check waits for `settle` (the worker calls it once
   * the result is sent) or the next `take`, whichever comes first.
   */
  finish(sealed: SealedImports | null, scope: Scope, unit: FileUnit): void {
    this.sealed = null;
    this.pending = sealed ? { sealed, scope, unit } : null;
  }

  /** Checks the modules the last analysis used, now. */
  settle(): void {
    const pending = this.pending;
    this.pending = null;
    if (!pending) return;
    const { sealed, scope, unit } = pending;
    const { roots, forbidden, standIn } = shared(sealed.loader, scope, unit, sealed.bindings);
    if (printsAs(sealed.print, roots, forbidden, standIn)) this.sealed = sealed;
  }

  clear(): void {
    this.sealed = null;
    this.pending = null;
  }
}

function sameRead(now: ReturnType<SourceHost['readFile']>, was: ReturnType<SourceHost['readFile']>): boolean {
  if (typeof now === 'string' || typeof was === 'string' || now === undefined || was === undefined) return now === was;
  return JSON.stringify(now) === JSON.stringify(was);
}
