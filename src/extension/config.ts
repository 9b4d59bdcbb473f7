import * as vscode from 'vscode';
import { DEFAULT_STEPS, MAX_STEPS, MIN_STEPS } from '../analysis/evaluate/budget';
import { DTYPES, Dtype } from '../core';
import { FlopDisplay } from './text/numbers';
import { parseInputShape } from './text/inputShape';

const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The `convLens.*` settings, read fresh on every access so changes apply live. */
export class Config {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after any `convLens.*` setting changes. */
  readonly onDidChange = this.changed.event;
  private readonly listener: vscode.Disposable;

  constructor() {
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('convLens')) this.changed.fire();
    });
  }

  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('convLens');
  }

  /** The default input shape, or null when the setting is empty or malformed. */
  get defaultInputShape(): bigint[] | null {
    const text = this.section.get<string>('defaultInputShape', '');
    if (!text.trim()) return null;
    const parsed = parseInputShape(text);
    return parsed.ok ? parsed.shape : null;
  }

  get dtype(): Dtype {
    const value = this.section.get<string>('dtype', 'fp32');
    return (DTYPES as string[]).includes(value) ? (value as Dtype) : 'fp32';
  }

  get flopDisplay(): FlopDisplay {
    const value = this.section.get<string>('flopDisplay', 'both');
    return value === 'macs' || value === 'flops' ? value : 'both';
  }

  get hoverEnabled(): boolean {
    return this.section.get<boolean>('hover.enabled', true);
  }

  get codeLensEnabled(): boolean {
    return this.section.get<boolean>('codeLens.enabled', true);
  }

  get inlayHintsEnabled(): boolean {
    return this.section.get<boolean>('inlayHints.enabled', true);
  }

  get diagnosticsEnabled(): boolean {
    return this.section.get<boolean>('diagnostics.enabled', true);
  }

  get importSearchRoots(): string[] {
    return this.section.get<string[]>('importSearchRoots', []).filter((s) => typeof s === 'string' && s.length > 0);
  }

  /**
   * The environment variables model code sees through os.environ (convLens.environment): names
   * as Python allows them, with string values; anything else in the setting is left out.
   */
  get environment(): Array<[string, string]> {
    const value = this.section.get<unknown>('environment', {});
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
    return Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => ENVIRONMENT_NAME.test(e[0]) && typeof e[1] === 'string');
  }

  /** Milliseconds an analysis may run before it stops and shows what it found (the setting is clamped to 100..600000). */
  get analysisTimeoutMs(): number {
    const value = this.section.get<number>('analysisTimeoutMs', 5000);
    return typeof value === 'number' && Number.isFinite(value) ? Math.min(600_000, Math.max(100, Math.round(value))) : 5000;
  }

  /** The step budget of each phase of an analysis (convLens.maxAnalysisSteps, clamped to MIN_STEPS..MAX_STEPS). */
  get maxAnalysisSteps(): number {
    const value = this.section.get<number>('maxAnalysisSteps', DEFAULT_STEPS);
    return typeof value === 'number' && Number.isFinite(value) ? Math.min(MAX_STEPS, Math.max(MIN_STEPS, Math.round(value))) : DEFAULT_STEPS;
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}
