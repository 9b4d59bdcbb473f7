import { ConvRecord, ConvError, SeparableComparison } from '../core';

/**
 * The contract between the static analysis (src/analysis) and every surface that shows it
 * (CLI, VS Code providers, webview). Lines are 1-based; columns are 0-based code-unit offsets
 * within the line (Python ast's col_offset convention), so `line` and `column` of a layer are
 * exactly what Python reports for the call that built it.
 */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Reads project files for import resolution. The CLI and the extension each supply one. */
export interface SourceHost {
  /**
   * The text of a file; undefined when it does not exist (or is a folder); or `{ unread }` with
   * the reason when it exists but is not read: not a regular file (a FIFO, a device), or larger
   * than the analysis reads (MAX_SOURCE_CHARS). Paths are absolute, '/'-separated.
   */
  readFile(path: string): string | undefined | UnreadFile;
  /** Parses kept from earlier runs, even other processes' (the CLI's and the editor's cache on disk). */
  parses?: ParseStore;
}

/**
 * Where a host keeps parses across runs: the postfix node buffer fastParse made of a text
 * (fastparse/index.ts), found again by the exact text. `load` returns only a buffer saved for
 * that very text by this very parser, or undefined; neither may be slow on a miss.
 */
export interface ParseStore {
  load(text: string): Int32Array | undefined;
  save(text: string, nodes: Int32Array): void;
}

/** A file the host found but did not read, and why. */
export interface UnreadFile {
  unread: string;
}

export interface AnalysisOptions {
  /** Absolute path of the file being analyzed ('/'-separated). */
  file: string;
  host: SourceHost;
  /** Folders searched for absolute imports, after the file's own folder and its parents. */
  searchRoots?: string[];
  /**
   * Installed-package folders (site-packages) where model libraries the analysis does not model
   * natively, torchvision and timm, are read from when a file imports them; without them, such
   * imports stay opaque (their layers unknown).
   */
  libraryRoots?: string[];
  /** Analyze only this model (class or factory name). */
  entry?: string;
  /** Python source of call arguments for the entry, e.g. "32, 64" or "num_classes=10". */
  args?: string;
  /** Input shape given by the user (CLI or settings); wins over comments and code. */
  input?: bigint[] | null;
  /** Limits that keep any file's analysis short (defaults in budget.ts). */
  budget?: { steps?: number; depth?: number };
  /**
   * Wall-clock limit for the whole analysis, in milliseconds of `clock`. Past it the analysis
   * stops as when its step budget is spent: what was not analyzed becomes one unresolved entry
   * whose reason is "analysis deadline of N ms reached", and the figures it could change are unknown.
   */
  deadlineMs?: number;
  /** The clock the deadline is read from, in milliseconds (default Date.now); read every few thousand steps. */
  clock?: () => number;
  /**
   * Module surgery on the entry model (the what-if, src/analysis/whatif): once the model is built
   * and before its forward runs, the conv at each named_modules() name is replaced as PyTorch
   * code would replace it (`setattr(parent, leaf, new)`), so every shape is recomputed through
   * forward. Only channel-preserving changes: the layer keeps its in and out channels.
   */
  surgery?: ModuleSurgery;
  /**
   * The environment variables os.environ holds: the ones the user declares (`--env NAME=VALUE`,
   * `convLens.environment`), every other one unset; never the CLI's or the editor's own, whose
   * values may be secrets. Without it, os.environ is unknown. The variables read are reported
   * (FileAnalysis.environment).
   */
  environment?: Readonly<Record<string, string>>;
}

/** What replaces one conv of the model (see AnalysisOptions.surgery). */
export interface LayerSurgery {
  /** Becomes Sequential(depthwise k×k without bias, pointwise 1×1 with the conv's bias). */
  separable?: boolean;
  /** The conv rebuilt with these groups. */
  groups?: bigint;
  /** The conv (or, with `separable`, its pointwise part) rebuilt without a bias. */
  dropBias?: boolean;
}

export interface ModuleSurgery {
  /** By named_modules() name in the model as written. */
  layers: ReadonlyMap<string, LayerSurgery>;
  /** Filled by the analysis: the layers whose replacement PyTorch would refuse to build, with its message. */
  failed: Map<string, string>;
}

/** Where the model's input shape came from. */
export type InputSource = 'option' | 'comment' | 'code' | 'default' | 'pretrained_cfg';

/** Where an input shape came from, as the text surfaces say it ("input [1, 3, 224, 224] (from …)"). */
export const INPUT_SOURCE_TEXT: Readonly<Record<InputSource, string>> = {
  option: 'option',
  comment: 'comment',
  code: 'code',
  default: 'default',
  pretrained_cfg: "the model's pretrained config",
};

export interface FileAnalysis {
  file: string;
  models: ModelAnalysis[];
  /** Every conv constructor call found in the file, evaluated where its arguments are known. */
  declarations: ConvDeclaration[];
  diagnostics: AnalysisDiagnostic[];
  unresolved: Unresolved[];
  /** The environment variables the figures depend on, when the code read any (absent otherwise). */
  environment?: EnvironmentUse;
}

/**
 * What the analysed code read of the environment through os.environ or os.getenv. The figures
 * hold where these variables are as they were for the analysis (AnalysisOptions.environment).
 */
export interface EnvironmentUse {
  /** Each variable read, in the order first read, and whether it was set. */
  variables: Array<{ name: string; set: boolean }>;
  /** Whether the code listed the whole environment (then the figures may depend on any variable). */
  listed: boolean;
}

export interface ModelAnalysis {
  /** Class or factory name. */
  entry: string;
  /** The class or def statement's name token. */
  range: SourceRange;
  input: bigint[] | null;
  inputSource: InputSource | null;
  /** Conv layers in `named_modules()` order. */
  layers: LayerInstance[];
  /** Every module of the tree (conv or not), in `named_modules()` order, root excluded. */
  modules: ModuleInstance[];
  totals: ModelTotals;
  /** Shapes of values assigned in forward(), for inlay hints and call hovers. */
  shapes: ShapeNote[];
  /**
   * Module calls written in this file that the forward pass ran (`self.conv1(x)` in a block's
   * forward), the first run of each: the module actually called and that call's shapes.
   */
  calls: ForwardCall[];
  /**
   * Convolutions the forward pass ran outside the model's conv layers (F.conv2d on a weight no
   * conv layer owns): not in the layer rows nor in `totals.conv_macs`, which count conv layers
   * as PyTorch's module hooks see them, so every surface says they ran. Absent when there were none.
   */
  functionalConvs?: FunctionalConvs;
  /** Depthwise-separable pairs (a depthwise conv whose output feeds a pointwise conv). */
  separablePairs: Array<{ depthwise: string; pointwise: string; comparison: SeparableComparison }>;
}

export interface FunctionalConvs {
  /** How many calls ran (at least this many when the forward pass did not run to its end). */
  calls: number;
  /** Their MACs, by the layers' convention; null when a call's shapes were not known. */
  macs: bigint | null;
  /** The first call's line (1-based). */
  line: number | null;
  /** Whether the forward pass ran to its end (else more such calls may have run). */
  complete: boolean;
}

export interface ModuleInstance {
  /** Dotted name exactly as PyTorch's named_modules() gives it, e.g. 'layers.0.conv1'. */
  name: string;
  /** Class name, e.g. 'Conv2d', 'BatchNorm2d', 'BasicBlock'. */
  type: string;
  params: bigint | null;
  range: SourceRange | null;
}

export interface LayerInstance {
  name: string;
  type: string;
  /**
   * The call that built the layer: the innermost such call in this file when helpers build it.
   * Line 0 when no call in this file built it (an imported model built from options.args).
   */
  range: SourceRange;
  /** Null when an argument is unknown (see symbolic) or construction failed (see error). */
  record: ConvRecord | null;
  /** Construction or forward error, with PyTorch's message. */
  error: ConvError | null;
  /** The conv's own constructor call when it is written in another file (an imported helper): that file's path and the call's range there. */
  origin?: { file: string; range: SourceRange };
  /** Formulas for figures that depend on unknown values, e.g. params: '10·nin'. */
  symbolic?: { params?: string; macs?: string; reasons: string[] };
  /** Why the figures are what they are, e.g. 'never called in forward' (0 MACs, no shapes). */
  note?: string;
  /**
   * The layer module's own parameters when they are not the conv's weight and bias alone (timm's
   * ScaledStdConv2d adds a `gain`): what PyTorch's `parameters()` of the layer counts; null when unknown.
   */
  moduleParams?: bigint | null;
}

export interface ConvDeclaration {
  type: string;
  range: SourceRange;
  /** The range of the callee name (e.g. `nn.Conv2d`), for hovers. */
  calleeRange: SourceRange;
  record: ConvRecord | null;
  error: ConvError | null;
  symbolic?: { params?: string; macs?: string; reasons: string[] };
  /** Names this declaration has in the models' trees (a helper may build it many times). */
  instances: string[];
  /** For code actions: a dense kxk conv could become a depthwise-separable pair. */
  fix?: { kind: 'separable' };
}

/**
 * A model's totals. Every figure is exact or null (unknown): never a partial sum. The layers
 * found are always in `layers`, so a surface may show how many were found as a lower bound,
 * labelled as such.
 */
export interface ModelTotals {
  /** Null when the tree may lack layers (see incomplete). */
  conv_layers: number | null;
  /** Null when the tree may lack layers or a conv layer's parameters are unknown. */
  conv_params: bigint | null;
  conv_macs: bigint | null;
  /** Every parameter of the model: conv, Linear, norms, embeddings, PReLU and the rest. */
  params: bigint | null;
  /**
   * Why the model's tree may lack layers or parameters, when it may: building it skipped a
   * statement that could have added modules (an unknown condition, a value the analysis cannot
   * compute), a module was made by code the analysis could not read, or such code was given a
   * module of the tree. Every total is then null; `unresolved` says what blocked it.
   */
  incomplete?: string;
  /** Why `params` is unknown when the tree is complete: the first parameter whose shape is unknown. */
  params_unknown?: string;
  /** Why `conv_macs` is unknown when the tree is complete: the first layer whose MACs are unknown, and why. */
  conv_macs_unknown?: string;
}

export interface ForwardCall {
  /** The call expression, e.g. `self.conv1(x)`. */
  range: SourceRange;
  /** The called module's name as named_modules() gives it, e.g. 'layer1.0.conv1'. */
  module: string;
  type: string;
  input: bigint[] | null;
  /** Null when the output is not a tensor of known shape; undefined when the call raised. */
  output?: bigint[] | null;
}

export interface ShapeNote {
  range: SourceRange;
  /** What was computed, e.g. 'out' or 'self.conv1(x)'. */
  label: string;
  input?: bigint[] | null;
  shape: bigint[] | null;
}

export interface AnalysisDiagnostic {
  range: SourceRange;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** 'construct' and 'forward' errors are PyTorch's; 'analysis' ones are ours (budgets, syntax). */
  source: 'construct' | 'forward' | 'analysis' | 'syntax';
  /** Data for quick fixes, e.g. the valid groups nearest to an invalid one. */
  fix?: GroupsFix | { kind: 'separable' };
}

/**
 * An invalid groups value: the valid values nearest to it (best first), and the channel counts
 * and groups the layer was given, so surfaces can show the figures beside PyTorch's message.
 */
export interface GroupsFix {
  kind: 'groups';
  values: bigint[];
  in_channels?: bigint;
  out_channels?: bigint;
  groups?: bigint;
}

export interface Unresolved {
  line: number;
  column: number;
  /** The expression or name that could not be evaluated, e.g. 'nin'. */
  what: string;
  /** Why, e.g. 'nin: parameter of depthwise_separable_conv.__init__, no call site found'. */
  why: string;
}
