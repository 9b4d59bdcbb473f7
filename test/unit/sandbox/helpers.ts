import { ConvArgs, ConvSpec, buildConv } from '../../../src/core';
import { encodeSpec } from '../../../src/protocol/compare';
import { SandboxRunRequest, SandboxVariantRequest } from '../../../src/protocol/sandbox';

export function conv(args: ConvArgs): ConvSpec {
  const built = buildConv(args);
  if (!built.ok) throw new Error(built.error.message);
  return built.spec;
}

/** The columns the comparison page shows for a grouped layer: itself, dense, one more groups value and the pair. */
export function columns(groups: bigint, other: bigint | null): SandboxVariantRequest[] {
  return [
    { id: 'this', title: 'This layer', groups: String(groups) },
    ...(groups === 1n ? [] : [{ id: 'g1', title: 'Dense', groups: '1' }]),
    ...(other ? [{ id: `g${other}`, title: `groups=${other}`, groups: String(other) }] : []),
    { id: 'separable', title: 'Depthwise-separable', groups: null },
  ];
}

export function runRequest(spec: ConvSpec, input: bigint[], variants: SandboxVariantRequest[], budgetMB = 512): SandboxRunRequest {
  return {
    spec: encodeSpec(spec),
    input: input.map(String),
    variants,
    budgetBytes: budgetMB * 1024 * 1024,
    timing: { warmup: 1, repeats: 3, maxMsPerVariant: 200 },
  };
}
