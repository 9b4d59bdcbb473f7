import { PageMessage } from '../protocol/compare';

/** The part of VS Code's webview API the page uses. */
export interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called once per page load; everything goes through this one handle. */
export function vscodeApi(): VsCodeApi {
  return acquireVsCodeApi();
}
