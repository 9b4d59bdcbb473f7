import { ConvGeometry } from '../../../src/kernel';

/** The tensors every engine gets for one workload (NCHW, PyTorch's weight layout). */
export interface BenchTensors {
  input: Float32Array;
  weight: Float32Array;
  bias: Float32Array;
}

/** One engine, ready to run one workload repeatedly; `output` reads the last result back as NCHW. */
export interface PreparedEngine {
  run(): Promise<void> | void;
  output(): Promise<Float32Array> | Float32Array;
  dispose(): Promise<void> | void;
}

export interface Engine {
  name: string;
  prepare(geometry: ConvGeometry, tensors: BenchTensors): Promise<PreparedEngine>;
}
