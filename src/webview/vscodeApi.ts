import type { PageMessage } from '../protocol/compare';

/** The part of VS Code's webview API the page uses. */
export interface VsCodeApi<M = PageMessage> {
  postMessage(message: M): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown>;

/** acquireVsCodeApi may be called once per page load; everything goes through this one handle. */
export function vscodeApi<M = PageMessage>(): VsCodeApi<M> {
  return acquireVsCodeApi();
}
