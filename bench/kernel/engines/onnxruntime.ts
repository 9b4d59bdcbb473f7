import { convModel } from '../onnx';
import { Engine } from './engine';

type OrtModule = typeof import('onnxruntime-node');

/** onnxruntime (web: its WebAssembly build; node: native), one thread, sequential execution. */
export function onnxruntimeEngine(name: string, ort: OrtModule, sessionOptions: Record<string, unknown>): Engine {
  return {
    name,
    async prepare(geometry, tensors) {
      const session = await ort.InferenceSession.create(convModel(geometry, tensors.weight, tensors.bias), sessionOptions);
      const shape = [geometry.batch, geometry.inChannels, ...geometry.inSize.slice(3 - geometry.rank)];
      const feeds = { x: new ort.Tensor('float32', tensors.input, shape) };
      let last: Float32Array = new Float32Array(0);
      return {
        run: async () => {
          const result = await session.run(feeds);
          last = result.y.data as Float32Array;
        },
        output: () => last,
        dispose: () => session.release(),
      };
    },
  };
}

export async function onnxruntimeWeb(): Promise<Engine> {
  const ort = (await import('onnxruntime-web')) as unknown as OrtModule & { env: { wasm: { numThreads: number; simd?: boolean } } };
  ort.env.wasm.numThreads = 1;
  return onnxruntimeEngine('onnxruntime-web (wasm)', ort, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

export async function onnxruntimeNode(): Promise<Engine> {
  const ort = await import('onnxruntime-node');
  return onnxruntimeEngine('onnxruntime-node (native)', ort, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
}
