import { ConvRecord, KIND_LABELS, convKind, groupChoices, withGroups } from '../../core';

export interface GroupsPoint {
  groups: bigint;
  kind: string;
  params: bigint;
  macs: bigint | null;
  current: boolean;
}

/** Points the curve plots at most: enough for its shape, few enough to draw at every keystroke. */
export const CURVE_POINTS = 200;

/**
 * Params and MACs at the valid groups values (all of them, or CURVE_POINTS spread through them
 * with the current one and its neighbours). The core counts a layer's weights as
 * C_out x (C_in/g) x prod(k), which for any valid g is the dense weight count divided by g
 * exactly (g divides C_in, and for transposed layers C_out); MACs divide by g the same way.
 * Deriving the curve from the record's dense figures this way keeps it instant even for a
 * layer with thousands of valid groups values, where building each variant would factor the
 * channel counts again for every point.
 */
export function groupsCurve(record: ConvRecord, limit = CURVE_POINTS): GroupsPoint[] {
  const bias = record.params - record.weight_params;
  return groupChoices(record.valid_groups, record.spec.groups, limit).map((g) => ({
    groups: g,
    kind: KIND_LABELS[convKind(withGroups(record.spec, g))],
    params: record.dense_weight_params / g + bias,
    macs: record.dense_macs !== null ? record.dense_macs / g : null,
    current: g === record.spec.groups,
  }));
}
