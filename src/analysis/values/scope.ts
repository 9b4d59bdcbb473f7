import type { Value } from './values';

/**
 * A Python namespace: function locals, a class body, or a module's globals. Lookups walk
 * outwards (locals, enclosing functions, module, builtins) as Python's LEGB rule does.
 */
export class Scope {
  readonly vars = new Map<string, Value>();
  /** Names declared `global` in this function; made at the first such declaration (most functions have none). */
  private globals: Set<string> | null = null;
  /** Why a name is unknown when it is a parameter without a value (for Unknown reasons). */
  constructor(readonly parent: Scope | null, readonly kind: 'module' | 'function' | 'class' | 'builtins') {}

  lookup(name: string): Value | undefined {
    // No Value is undefined (None is null), so one get answers both "bound?" and "to what?".
    const own = this.vars.get(name);
    if (own !== undefined) return own;
    for (let scope = this.parent; scope; scope = scope.parent) {
      const v = scope.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  set(name: string, value: Value): void {
    if (this.globals?.has(name)) this.module().vars.set(name, value);
    else this.vars.set(name, value);
  }

  declareGlobal(name: string): void {
    (this.globals ??= new Set()).add(name);
  }

  module(): Scope {
    return this.kind === 'module' || !this.parent ? this : this.parent.module();
  }
}
