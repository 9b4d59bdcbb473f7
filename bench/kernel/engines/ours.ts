import { WasmConvKernel } from '../../../src/kernel';
import { Engine } from './engine';

/** Conv Lens's kernel; input already resident in its memory, output left there (as tfjs does). */
export function oursEngine(kernel: WasmConvKernel): Engine {
  return {
    name: `conv-lens (${kernel.variant})`,
    async prepare(geometry, tensors) {
      const prepared = await kernel.prepare(geometry, { weight: tensors.weight, bias: tensors.bias });
      prepared.input.set(tensors.input);
      return {
        run: () => prepared.execute(),
        output: () => prepared.output.slice(),
        dispose: () => prepared.dispose(),
      };
    },
  };
}
