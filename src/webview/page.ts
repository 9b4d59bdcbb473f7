import type { Parsed } from '../protocol/validate';
import type { VsCodeApi } from './vscodeApi';

export interface PageWiring<H> {
  /** Validates a message from the host; nothing else reaches `handle`. */
  parse(data: unknown): Parsed<H>;
  handle(message: H): void;
  /** Takes a message of another protocol first (the sandbox's), returning true when it did. */
  other?(data: unknown): boolean;
}

/**
 * What every Conv Lens page does once its DOM is built: listens to the host, dropping (and
 * counting, in body[data-rejected], for the tests) every message that does not validate, then
 * tells the host it is ready.
 */
export function startPage<H>(api: VsCodeApi<{ type: 'ready' }>, wiring: PageWiring<H>): void {
  let rejected = 0;
  window.addEventListener('message', (event: MessageEvent) => {
    if (wiring.other?.(event.data)) return;
    const parsed = wiring.parse(event.data);
    if (!parsed.ok) {
      rejected++;
      document.body.dataset.rejected = String(rejected);
      console.warn(`Conv Lens: ignored a malformed message from the extension (${parsed.error})`);
      return;
    }
    wiring.handle(parsed.value);
  });
  api.postMessage({ type: 'ready' });
}
