import { h } from '../dom';

/**
 * The slot where a later step runs the layer on the embedded WebAssembly kernel, in a Web Worker
 * so the page stays responsive. The page's CSP already allows what that needs:
 * `script-src 'nonce-…' 'wasm-unsafe-eval'` and `worker-src` limited to the extension's own
 * files and blob: URLs. Nothing runs here yet.
 */
export function sandboxSection(): HTMLElement {
  return h('section', { class: 'sandbox', id: 'sandbox', 'aria-labelledby': 'sandbox-title' },
    h('h2', { id: 'sandbox-title' }, 'Sandbox run'),
    h('p', { class: 'hint' }, 'Running this layer on the built-in WebAssembly kernel, to time dense, grouped and depthwise-separable variants on this machine, will appear here.'),
    h('div', { id: 'sandbox-slot', class: 'sandbox-slot', 'data-state': 'unavailable' }));
}
