/**
 * Compiling a call into one TensorFlow graph on tfjs-node's `tensorflow` backend (issue 13's
 * lever 4). `traceCall` runs the call once, eagerly, with the binding's `executeOp` and
 * `createTensor` wrapped, and records every op (name, attributes, input and output handle ids) and
 * every tensor made during the call. `compileTrace` turns the record into a GraphDef — the
 * declared inputs become `Placeholder`s (also where an op of the call made them: that op is then
 * cut off), tensors made during the call `Const`s, every op a `NodeDef` with the attributes
 * tfjs-node gave it — saves it as a SavedModel and loads it with tfjs-node's own `loadSavedModel`,
 * so that `CompiledGraph.run` is one `runSavedModel` call (TensorFlow's session, its graph
 * optimizer included).
 *
 * A graph reproduces the traced call only where every value that changes between calls is a
 * declared input: a tensor made during the call from JavaScript numbers is baked in as it was.
 * Callers check a compiled run against an eager one before trusting it (see `compiled-forward.ts`
 * of the predictive).
 *
 * No static Node import: the SavedModel file is written through `process.getBuiltinModule`, so this
 * file stays in the browser-safe core (where the native backend is simply absent).
 */
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, BnnError } from '../../errors.js';
import { interceptBinding } from './intercept-binding.js';
import type { BindingAttr } from './proto.js';
import { savedModelBytes } from './saved-model.js';

/** A tensor's handle as the binding reports it. */
interface Metadata {
  readonly id: number;
  readonly shape: number[];
  readonly dtype: number;
}

/** The tfjs-node binding calls used here. */
interface Binding {
  executeOp(name: string, attrs: BindingAttr[], inputs: number[], numOutputs: number): Metadata[];
  createTensor(shape: number[], dtype: number, values: ArrayLike<number> | Uint8Array): number;
  readonly [key: string]: unknown;
}

/** tfjs-node's backend, as far as compiling uses it. */
interface GraphBackend {
  binding: Binding;
  readonly tensorMap: { get(dataId: object): { id: number } | undefined };
  /** Handle ids of tensors, first creating the TensorFlow tensor of one whose values are still in JavaScript. */
  getInputTensorIds(tensors: tf.TensorInfo[]): number[];
  loadSavedModelMetaGraph(path: string, tags: string): number;
  runSavedModel(id: number, inputs: tf.Tensor[], infos: Array<{ name: string; tfDtype: string }>, outputs: string[]): tf.Tensor[];
  deleteSavedModel(id: number): void;
}

/** One recorded op. */
interface OpRecord {
  readonly op: string;
  readonly attrs: BindingAttr[];
  readonly inputs: number[];
  readonly outputs: Metadata[];
}

/** One tensor made during the call, with its bytes. */
export interface ConstantRecord {
  readonly shape: number[];
  readonly dtype: number;
  readonly bytes: Uint8Array;
}

/** A traced call: its ops in order and the tensors made during it. */
export interface Trace {
  readonly ops: readonly OpRecord[];
  readonly constants: ReadonlyMap<number, ConstantRecord>;
}

/** Whether compiling can run now: the active backend is tfjs-node's `tensorflow` with the SavedModel calls. */
export function graphCompilationAvailable(): boolean {
  if (tf.getBackend() !== 'tensorflow') return false;
  const backend = tf.backend() as unknown as Partial<GraphBackend>;
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: unknown } }).process?.getBuiltinModule;
  return (
    typeof backend.loadSavedModelMetaGraph === 'function' && typeof backend.runSavedModel === 'function' && typeof getBuiltin === 'function'
  );
}

function graphBackend(where: string): GraphBackend {
  if (!graphCompilationAvailable()) {
    throw new BackendUnavailableError(
      `${where}: compiling into a TensorFlow graph needs tfjs-node's 'tensorflow' backend in Node; the active backend is '${tf.getBackend()}'.`,
    );
  }
  return tf.backend() as unknown as GraphBackend;
}

/** A graph input or output: the native handle of a tensor at trace time, its shape and dtype. */
export interface GraphTensor {
  readonly handle: number;
  readonly shape: readonly number[];
  readonly dtype: tf.DataType;
}

/**
 * The `GraphTensor` of a live tensor of the native backend (read it while the tensor is alive: a
 * traced call may dispose it later).
 *
 * @throws BnnError when the tensor is disposed or not on the `tensorflow` backend.
 */
export function graphTensor(tensor: tf.Tensor): GraphTensor {
  const backend = graphBackend('graphTensor');
  const entry = tensor.isDisposed ? undefined : backend.tensorMap.get(tensor.dataId);
  if (entry === undefined) throw new BnnError('graphTensor: the tensor is disposed or not a tensor of the tensorflow backend.');
  // tfjs-node writes a tensor made from JavaScript values into TensorFlow only when an op first
  // reads it; make the handle now, so that the graph input is the handle the call will read.
  const [handle] = backend.getInputTensorIds([tensor]);
  return { handle, shape: [...tensor.shape], dtype: tensor.dtype };
}

function bytesOf(values: ArrayLike<number> | Uint8Array, dtype: number, binding: Record<string, unknown>): Uint8Array {
  if (values instanceof Uint8Array) return Uint8Array.from(values);
  const typed =
    dtype === binding.TF_INT32 ? Int32Array.from(values) : dtype === binding.TF_BOOL ? Uint8Array.from(values) : Float32Array.from(values);
  return new Uint8Array(typed.buffer.slice(0));
}

/**
 * Runs `fn()` once, eagerly, and records the native calls it makes. Returns its result (owned by
 * the caller) and the trace. `fn` must be synchronous.
 *
 * @throws BackendUnavailableError off tfjs-node's `tensorflow` backend.
 */
export function traceCall<T>(fn: () => T): { result: T; trace: Trace } {
  const backend = graphBackend('traceCall');
  const ops: OpRecord[] = [];
  const constants = new Map<number, ConstantRecord>();
  const restore = interceptBinding(backend, (real) => ({
    executeOp: (op: string, attrs: BindingAttr[], ids: number[], numOutputs: number) => {
      const outputs = real.executeOp(op, attrs, ids, numOutputs);
      ops.push({ op, attrs: attrs.map((a) => ({ ...a })), inputs: [...ids], outputs });
      return outputs;
    },
    createTensor: (shape: number[], dtype: number, values: ArrayLike<number> | Uint8Array) => {
      const id = real.createTensor(shape, dtype, values);
      constants.set(id, { shape: [...shape], dtype, bytes: bytesOf(values, dtype, real) });
      return id;
    },
  }));
  try {
    const result = fn();
    if (result instanceof Promise) throw new BnnError('traceCall: the traced function must be synchronous.');
    return { result, trace: { ops, constants } };
  } finally {
    restore();
  }
}

/** A tensor holding a recorded constant's bytes (dtype codes of the binding). */
function constantTensor(record: ConstantRecord, binding: Record<string, unknown>): tf.Tensor {
  const buffer = record.bytes.buffer.slice(record.bytes.byteOffset, record.bytes.byteOffset + record.bytes.byteLength);
  if (record.dtype === binding.TF_INT32) return tf.tensor(new Int32Array(buffer), record.shape, 'int32');
  if (record.dtype === binding.TF_BOOL) return tf.tensor(new Uint8Array(buffer), record.shape, 'bool');
  return tf.tensor(new Float32Array(buffer), record.shape, 'float32');
}

/** Options of `CompiledGraph.compile`. */
export interface CompileOptions {
  /**
   * Keep the eager op's arithmetic where TensorFlow's graph optimizer would change the last bits:
   * the tensors created during the traced call become graph inputs (fed their recorded values at
   * every run) rather than `Const` nodes, so they cannot be folded into neighbouring ops ((x·a)·b
   * → x·(a·b), x / c → x·(1/c)); and every `AddN` of more than two terms is written as binary
   * `Add`s in the CPU kernel's summation order, so it cannot be flattened with the `Add`s that
   * feed it. Default false.
   */
  readonly preserveArithmetic?: boolean;
  /**
   * Write each float `Add` of a [..., C] tensor and a [C] vector (tfjs-node's bias of a fused
   * conv or dense layer) as `BiasAdd`, which TensorFlow's graph optimizer fuses into the
   * `Conv2D`/`Conv3D`/`MatMul` that feeds it (one pass over the output fewer). The sums are the
   * same, but the fused kernel (oneDNN's, on x86) may round differently from the eager
   * convolution followed by the addition: callers that need the eager bits check the compiled
   * run and compile again without it where it differs. Default false.
   */
  readonly fuseBias?: boolean;
}

/** Node's `fs`, `os` and `path`, reached without a static import. */
function nodeModules(): { fs: typeof import('node:fs'); os: typeof import('node:os'); path: typeof import('node:path') } {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process?.getBuiltinModule;
  if (getBuiltin === undefined) throw new BackendUnavailableError('compileTrace: needs Node ≥ 20.16 (its getBuiltinModule).');
  return {
    fs: getBuiltin('node:fs') as typeof import('node:fs'),
    os: getBuiltin('node:os') as typeof import('node:os'),
    path: getBuiltin('node:path') as typeof import('node:path'),
  };
}

/** A traced call loaded into a TensorFlow session: `run` feeds new inputs and fetches the outputs. */
export class CompiledGraph {
  private disposed = false;

  private constructor(
    private readonly backend: GraphBackend,
    private readonly id: number,
    private readonly feeds: ReadonlyArray<{ name: string; tfDtype: string }>,
    private readonly fetches: readonly string[],
    /** Number of ops of the trace that made it. */
    readonly traceOps: number,
    /** The fed constants (`preserveArithmetic`), owned by the graph. */
    private readonly constants: readonly tf.Tensor[],
  ) {}

  /**
   * Compiles `trace` with `inputs` (what the traced call read, as `graphTensor`s taken during the
   * call: their handles become placeholders, in order) and its `outputs` (what `run` returns, in order).
   *
   * @throws BnnError when the call read a tensor that is neither declared nor made during it.
   */
  static compile(
    trace: Trace,
    inputs: readonly GraphTensor[],
    outputs: readonly GraphTensor[],
    options: CompileOptions = {},
  ): CompiledGraph {
    const backend = graphBackend('CompiledGraph.compile');
    const { bytes, inputNames, outputNames, fedConstants } = savedModelBytes(
      backend.binding as unknown as Record<string, number>,
      trace,
      inputs,
      outputs,
      { preserveArithmetic: options.preserveArithmetic === true, fuseBias: options.fuseBias === true },
    );
    const { fs, os, path } = nodeModules();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-bnn-graph-'));
    try {
      fs.writeFileSync(path.join(dir, 'saved_model.pb'), bytes);
      const id = backend.loadSavedModelMetaGraph(dir, 'serve');
      const binding = backend.binding as unknown as Record<string, unknown>;
      const tfDtype = (dtype: number | tf.DataType) =>
        dtype === 'int32' || dtype === binding.TF_INT32
          ? 'DT_INT32'
          : dtype === 'bool' || dtype === binding.TF_BOOL
            ? 'DT_BOOL'
            : 'DT_FLOAT';
      const feeds = [...inputs.map((t) => t.dtype), ...fedConstants.map((c) => c.dtype)].map((dtype, k) => ({
        name: inputNames[k],
        tfDtype: tfDtype(dtype),
      }));
      const constants = fedConstants.map((record) => tf.keep(constantTensor(record, binding)));
      return new CompiledGraph(backend, id, feeds, outputNames, trace.ops.length, constants);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Runs the graph on `inputs` (same order, shapes and dtypes as at compile time). The caller owns the outputs. */
  run(inputs: readonly tf.Tensor[]): tf.Tensor[] {
    if (this.disposed) throw new BnnError('CompiledGraph.run: the graph was disposed.');
    if (inputs.length + this.constants.length !== this.feeds.length) {
      throw new BnnError(
        `CompiledGraph.run: got ${inputs.length} inputs; the graph was compiled with ${this.feeds.length - this.constants.length}.`,
      );
    }
    return this.backend.runSavedModel(this.id, [...inputs, ...this.constants], [...this.feeds], [...this.fetches]);
  }

  /** Releases the TensorFlow session. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.deleteSavedModel(this.id);
    tf.dispose([...this.constants]);
  }
}
