/**
 * The few WebAssembly JS API members the kernel uses, typed here because the pure core is
 * compiled without the DOM library (which is where TypeScript declares `WebAssembly`). Every
 * host we run in (Node, the webview, a worker) provides the real global.
 */
export interface WasmMemoryLike {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** A compiled module: a `WebAssembly.Module`, opaque to us. */
export type WasmModuleLike = object;

export interface WasmInstanceLike {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModuleLike>;
  instantiate(module: WasmModuleLike, imports?: object): Promise<WasmInstanceLike>;
  Module: new (bytes: Uint8Array) => WasmModuleLike;
}

export function wasmApi(): WasmApi {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) throw new Error('WebAssembly is not available in this environment');
  return api;
}

export const WASM_PAGE_BYTES = 65536;
