/**
 * The comparison page's sandbox: runs the columns the page shows on the WebAssembly kernel in a
 * Web Worker and shows timings beside the counted figures. main.ts mounts `element`, tells it
 * the current layer with `setLayer`, and hands it host messages first with `receiveHostMessage`.
 */
import { ConvSpec, torchRepr } from '../../core';
import { DEFAULT_MEMORY_BUDGET_MB, isSandboxHostMessage, parseSandboxSettings } from '../../protocol/sandbox';
import { RunEnd, SandboxClient, filesBesideScript } from './client';
import { FLAVOUR_LABELS, ShownVariant, cannotRun, runRequest } from './model';
import { sandboxView } from './view';

export interface Sandbox {
  element: HTMLElement;
  setLayer(spec: ConvSpec, input: readonly bigint[], variants: readonly ShownVariant[]): void;
  /** True when the message was the sandbox's (handled here); false to let the page parse it. */
  receiveHostMessage(data: unknown): boolean;
}

// Only set while the page's script first runs, so it is read at load time.
const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src ?? new URL('dist/webview/main.js', document.baseURI).toString();

export function createSandbox(): Sandbox {
  const client = new SandboxClient(filesBesideScript(scriptUrl));
  let budgetMB = DEFAULT_MEMORY_BUDGET_MB;
  let layer: { spec: ConvSpec; input: bigint[]; variants: readonly ShownVariant[]; key: string } | null = null;
  // Columns left out after a refusal (too large by themselves); reset when the layer changes.
  let excluded: string[] = [];
  const view = sandboxView({
    run: () => start(null),
    cancel: () => client.cancel(),
    runSmaller: (shape) => start(shape.map((d) => BigInt(d))),
    runWithout: (ids) => {
      excluded = [...excluded, ...ids];
      start(null);
    },
  });
  view.setState('unavailable', 'Waiting for a layer…');
  window.addEventListener('pagehide', () => client.dispose());

  function start(input: bigint[] | null): void {
    if (!layer || client.running) return;
    const why = cannotRun(layer.spec);
    if (why) return view.setState('unavailable', why);
    const key = layer.key;
    view.clearResults();
    view.setState('running', 'Starting the sandbox…');
    const variants = layer.variants.filter((v) => !excluded.includes(v.id));
    if (variants.length === 0) return view.setState('refused', 'Every column is too large for the memory budget.');
    const request = runRequest(layer.spec, input ?? layer.input, variants, budgetMB);
    void client.run(request, (done, total, label) => view.progress(done, total, label)).then((end) => finish(end, key));
  }

  function finish(end: RunEnd, key: string): void {
    // A run of a layer no longer shown (it was cancelled when the layer changed) shows nothing.
    if (layer?.key !== key) return;
    switch (end.type) {
      case 'result': {
        const failed = end.result.checks.filter((c) => !c.passed && c.skipped === null).length;
        view.showResults(FLAVOUR_LABELS[end.result.flavour], end.result.input.join('x'), end.result.variants, end.result.checks);
        return view.setState('done', failed === 0 ? 'Done: every equivalence check passed.' : `Done, but ${failed} equivalence check(s) FAILED.`);
      }
      case 'refused':
        view.showSuggestion(end.suggestion, (layer?.variants ?? []).filter((v) => end.tooLarge.includes(v.id)));
        return view.setState('refused', end.message);
      case 'failed':
        return view.setState('failed', `The run failed: ${end.message}`);
      case 'cancelled':
        return view.setState('cancelled', 'Cancelled: the worker was stopped.');
    }
  }

  return {
    element: view.element,
    setLayer(spec, input, variants) {
      const key = `${torchRepr(spec)}#${input.join(',')}#${variants.map((v) => v.id).join(',')}`;
      if (layer?.key === key) return;
      // Results belong to one layer: a different layer stops its run and clears them.
      if (client.running) client.cancel();
      layer = { spec, input: [...input], variants, key };
      excluded = [];
      view.clearResults();
      const why = cannotRun(spec);
      view.setState(why ? 'unavailable' : 'idle', why ?? `Ready to run ${variants.length} columns on ${input.join('x')}.`);
    },
    receiveHostMessage(data) {
      if (!isSandboxHostMessage(data)) return false;
      const parsed = parseSandboxSettings(data);
      if (parsed.ok) budgetMB = parsed.value.memoryBudgetMB;
      else console.warn(`Conv Lens: ignored malformed sandbox settings (${parsed.error})`);
      return true;
    },
  };
}
