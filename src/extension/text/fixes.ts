import { ConvType, constructorParameters, isConvType, isTransposed } from '../../core';
import { CallArgument, readCall } from './callText';

/**
 * Text edits for quick fixes, computed on the declaration's source text alone so they can be
 * tested without an editor. Offsets are relative to the call text handed in.
 */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** The arguments of a conv call bound to PyTorch's parameter names, each with its own text. */
function bindArguments(type: ConvType, args: CallArgument[]): Map<string, CallArgument> | null {
  const names = constructorParameters(type);
  const bound = new Map<string, CallArgument>();
  let position = 0;
  for (const arg of args) {
    if (arg.value.startsWith('*')) return null;
    const name = arg.keyword ?? names[position++];
    if (name === undefined || bound.has(name)) return null;
    bound.set(name, arg);
  }
  return bound;
}

function convTypeOf(callee: string): ConvType | null {
  const name = callee.split('.').pop() ?? '';
  return isConvType(name) ? name : null;
}

/** Sets groups to `value`: rewrites the groups argument, or appends `groups=value`. */
export function setGroupsEdit(callText: string, value: bigint): TextEdit | null {
  const call = readCall(callText);
  const type = call && convTypeOf(call.callee);
  if (!call || !type) return null;
  const bound = bindArguments(type, call.args);
  if (!bound) return null;
  const groups = bound.get('groups');
  if (groups) return { start: groups.valueStart, end: groups.valueEnd, text: value.toString() };
  const last = call.args[call.args.length - 1];
  const at = last ? last.valueEnd : call.open + 1;
  return { start: at, end: at, text: `${last ? ', ' : ''}groups=${value}` };
}

/** Options that depend on the file around the declaration. */
export interface SeparableContext {
  /** Leading whitespace of the line the call starts on, for the multi-line layout. */
  indent: string;
  /** Column the call starts at, to decide whether one line is short enough. */
  column: number;
  /** The whole file's text, to see how `nn` is imported. */
  fileText: string;
}

const MAX_LINE = 120;

/**
 * Rewrites a dense kxk conv into `Sequential(depthwise kxk, pointwise 1x1)`: the depthwise conv
 * keeps the spatial arguments (stride, padding, dilation, padding_mode) and uses groups=C_in
 * without bias; the pointwise conv maps C_in to C_out and keeps the original bias. The module
 * stays callable the same way, so `self.conv(x)` in forward keeps working. Every argument keeps
 * the user's own source text.
 */
export function separableEdit(callText: string, context: SeparableContext): TextEdit | null {
  const call = readCall(callText);
  const type = call && convTypeOf(call.callee);
  if (!call || !type || isTransposed(type)) return null;
  const bound = bindArguments(type, call.args);
  const cin = bound?.get('in_channels')?.value;
  const cout = bound?.get('out_channels')?.value;
  const kernel = bound?.get('kernel_size')?.value;
  if (!bound || !cin || !cout || !kernel) return null;
  const spatial = ['stride', 'padding', 'dilation', 'padding_mode', 'device', 'dtype']
    .filter((name) => bound.has(name))
    .map((name) => `${name}=${bound.get(name)!.value}`);
  const depthwise = `${call.callee}(${[cin, cin, kernel, ...spatial, `groups=${cin}`, 'bias=False'].join(', ')})`;
  const extras = ['bias', 'device', 'dtype'].filter((name) => bound.has(name)).map((name) => `${name}=${bound.get(name)!.value}`);
  const pointwise = `${call.callee}(${[cin, cout, '1', ...extras].join(', ')})`;
  const sequential = sequentialCallee(call.callee, context.fileText);
  const oneLine = `${sequential}(${depthwise}, ${pointwise})`;
  const fitsOnOneLine = !oneLine.includes('\n') && context.column + oneLine.length + 1 <= MAX_LINE;
  const inner = `${context.indent}    `;
  const text = fitsOnOneLine ? oneLine : `${sequential}(\n${inner}${depthwise},\n${inner}${pointwise},\n${context.indent})`;
  return { start: 0, end: call.close + 1, text };
}

/**
 * The name to call Sequential by, following the conv's own callee: `nn.Conv2d` gives
 * `nn.Sequential`, `torch.nn.Conv2d` gives `torch.nn.Sequential`. A bare `Conv2d` gives a bare
 * `Sequential` only when the file imports that name; otherwise whatever spelling of torch.nn
 * the file has.
 */
export function sequentialCallee(callee: string, fileText: string): string {
  const dot = callee.lastIndexOf('.');
  if (dot > 0) return `${callee.slice(0, dot)}.Sequential`;
  if (/^\s*from\s+torch\.nn\s+import\s+[^\n]*\bSequential\b/m.test(fileText) || /^\s*from\s+torch\.nn\s+import\s+\*/m.test(fileText)) return 'Sequential';
  if (/^\s*(import\s+torch\.nn\s+as\s+nn|from\s+torch\s+import\s+[^\n]*\bnn\b)/m.test(fileText)) return 'nn.Sequential';
  return 'torch.nn.Sequential';
}

/** True when a layer is worth offering the depthwise-separable rewrite: dense, kxk with k > 1, not transposed. */
export function canBecomeSeparable(kind: string, kernel: readonly bigint[], transposed: boolean): boolean {
  return kind === 'dense' && !transposed && kernel.some((k) => k > 1n);
}
