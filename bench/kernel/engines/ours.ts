import { PlanOptions, WasmConvKernel } from '../../../src/kernel';
import { Engine } from './engine';

/**
 * Conv Lens's kernel; input already resident in its memory, output left there (as tfjs does).
 * `legacyDepthwise` runs strided and dilated depthwise layers on the loops they had before
 * their strip loops, for a before/after in one run.
 */
export function oursEngine(kernel: WasmConvKernel, options: PlanOptions = {}): Engine {
  return {
    name: options.legacyDepthwise ? `conv-lens old depthwise (${kernel.variant})` : `conv-lens (${kernel.variant})`,
    async prepare(geometry, tensors) {
      const prepared = await kernel.prepare(geometry, { weight: tensors.weight, bias: tensors.bias }, options);
      prepared.input.set(tensors.input);
      return {
        run: () => prepared.execute(),
        output: () => prepared.output.slice(),
        dispose: () => prepared.dispose(),
      };
    },
  };
}
