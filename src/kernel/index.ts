// The convolution kernel: a plain reference and a WebAssembly SIMD implementation sharing one
// geometry record. Never imports vscode, the DOM or Node; callers supply the .wasm bytes.
export * from './features';
export * from './geometry';
export * from './plan';
export * from './reference';
export * from './transposed';
export * from './wasmKernel';
export type { WasmModuleLike } from './wasmApi';
