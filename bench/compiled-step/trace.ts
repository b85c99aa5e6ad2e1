/**
 * Records the TensorFlow ops one call of a function runs on tfjs-node's `tensorflow` backend, and
 * turns the record into a SavedModel whose graph is that call: the binding's `executeOp` and
 * `createTensor` are wrapped while the function runs (tensor ids are the binding's handle ids), the
 * declared inputs become placeholders, tensors made inside the call (scalars, shapes) or before it
 * and not declared become constants, and the declared outputs are fetched by name.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProtoWriter, writeAttrValue, writeShape, type AttrCodes, type BindingAttr } from './proto.js';

interface Metadata {
  readonly id: number;
  readonly shape: number[];
  readonly dtype: number;
}

interface Binding {
  executeOp(name: string, attrs: BindingAttr[], inputs: number[], numOutputs: number): Metadata[];
  createTensor(shape: number[], dtype: number, values: ArrayLike<number> | Uint8Array): number;
  tensorDataSync(id: number): Float32Array | Int32Array | Uint8Array;
  readonly [key: string]: unknown;
}

interface NativeBackendLike {
  binding: Binding;
  tensorMap: { get(dataId: object): { id: number } };
  loadSavedModelMetaGraph(path: string, tags: string): number;
  runSavedModel(id: number, inputs: tf.Tensor[], infos: Array<{ name: string; tfDtype: string }>, outputs: string[]): tf.Tensor[];
  deleteSavedModel(id: number): void;
}

interface OpRecord {
  readonly op: string;
  readonly attrs: BindingAttr[];
  readonly inputs: number[];
  readonly outputs: Metadata[];
}

interface ConstRecord {
  readonly shape: number[];
  readonly dtype: number;
  readonly bytes: Uint8Array;
}

/** A traced call: its ops in order, the constants, and which ids are the declared inputs and outputs. */
export interface Trace {
  readonly ops: OpRecord[];
  readonly constants: Map<number, ConstRecord>;
  readonly inputIds: number[];
  readonly inputs: Array<{ shape: number[]; dtype: number }>;
  readonly outputIds: number[];
}

export function nativeBackend(): NativeBackendLike {
  if (tf.getBackend() !== 'tensorflow') throw new Error(`compiled step: needs the tensorflow backend, got '${tf.getBackend()}'`);
  return tf.backend() as unknown as NativeBackendLike;
}

/** The binding handle id behind a tensor. */
function handleId(tensor: tf.Tensor): number {
  return nativeBackend().tensorMap.get(tensor.dataId).id;
}

function bytesOf(values: ArrayLike<number> | Uint8Array, dtype: number, codes: Record<string, number>): Uint8Array {
  if (values instanceof Uint8Array) return Uint8Array.from(values);
  const typed =
    dtype === codes.TF_INT32 ? Int32Array.from(values) : dtype === codes.TF_BOOL ? Uint8Array.from(values) : Float32Array.from(values);
  return new Uint8Array(typed.buffer.slice(0));
}

/** Runs `fn(inputs)` once, eagerly, recording every native call; returns its outputs and the trace. */
export function traceCall(fn: (inputs: tf.Tensor[]) => tf.Tensor[], inputs: tf.Tensor[]): { outputs: tf.Tensor[]; trace: Trace } {
  const backend = nativeBackend();
  const real = backend.binding;
  const codes = real as unknown as Record<string, number>;
  const ops: OpRecord[] = [];
  const constants = new Map<number, ConstRecord>();
  const wrapped: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(real)) wrapped[key] = real[key];
  wrapped.executeOp = (op: string, attrs: BindingAttr[], ids: number[], numOutputs: number) => {
    const outputs = real.executeOp(op, attrs, ids, numOutputs);
    ops.push({ op, attrs: attrs.map((a) => ({ ...a })), inputs: [...ids], outputs });
    return outputs;
  };
  wrapped.createTensor = (shape: number[], dtype: number, values: ArrayLike<number> | Uint8Array) => {
    const id = real.createTensor(shape, dtype, values);
    constants.set(id, { shape: [...shape], dtype, bytes: bytesOf(values, dtype, codes) });
    return id;
  };
  backend.binding = wrapped as unknown as Binding;
  let outputs: tf.Tensor[];
  try {
    outputs = fn(inputs);
  } finally {
    backend.binding = real;
  }
  const trace: Trace = {
    ops,
    constants,
    inputIds: inputs.map(handleId),
    inputs: inputs.map((t) => ({ shape: t.shape, dtype: t.dtype === 'int32' ? codes.TF_INT32 : codes.TF_FLOAT })),
    outputIds: outputs.map(handleId),
  };
  return { outputs, trace };
}

/** The graph of a trace as a SavedModel (tag `serve`, no variables) in `dir`; returns the feed and fetch names. */
export function writeSavedModel(trace: Trace, dir: string): { inputNames: string[]; outputNames: string[] } {
  const backend = nativeBackend();
  const binding = backend.binding as unknown as Record<string, number>;
  const codes: AttrCodes = {
    STRING: binding.TF_ATTR_STRING,
    INT: binding.TF_ATTR_INT,
    FLOAT: binding.TF_ATTR_FLOAT,
    BOOL: binding.TF_ATTR_BOOL,
    TYPE: binding.TF_ATTR_TYPE,
    SHAPE: binding.TF_ATTR_SHAPE,
  };
  const produced = new Map<number, string>();
  trace.inputIds.forEach((id, k) => produced.set(id, `in_${k}`));
  const nodes: Uint8Array[] = [];
  const node = (name: string, op: string, inputs: string[], attrs: BindingAttr[], extra?: (w: ProtoWriter) => void) => {
    const writer = new ProtoWriter().raw(1, name).raw(2, op);
    for (const input of inputs) writer.raw(3, input);
    for (const attr of attrs)
      writer.message(5, (entry) => entry.raw(1, attr.name).message(2, (value) => writeAttrValue(value, attr, codes)));
    extra?.(writer);
    nodes.push(writer.finish());
  };
  trace.inputs.forEach(({ shape, dtype }, k) =>
    node(
      `in_${k}`,
      'Placeholder',
      [],
      [
        { name: 'dtype', type: codes.TYPE, value: dtype },
        { name: 'shape', type: codes.SHAPE, value: shape },
      ],
    ),
  );
  let constantCount = 0;
  const constant = (record: ConstRecord): string => {
    const name = `const_${constantCount++}`;
    const writer = new ProtoWriter().raw(1, name).raw(2, 'Const');
    writer.message(5, (entry) => entry.raw(1, 'dtype').message(2, (value) => value.int(6, record.dtype)));
    writer.message(5, (entry) =>
      entry.raw(1, 'value').message(2, (value) =>
        value.message(8, (tensor) =>
          tensor
            .int(1, record.dtype)
            .message(2, (shape) => writeShape(shape, record.shape))
            .raw(4, record.bytes),
        ),
      ),
    );
    nodes.push(writer.finish());
    return `${name}:0`;
  };
  const source = (id: number): string => {
    const known = produced.get(id);
    if (known !== undefined) return known.includes(':') ? known : `${known}:0`;
    // Made before the call and not declared: its current value becomes a constant.
    const record = trace.constants.get(id) ?? readConstant(backend, id);
    const name = constant(record);
    produced.set(id, name);
    return name;
  };
  trace.ops.forEach((record, i) => {
    const name = `op_${i}`;
    node(name, record.op, record.inputs.map(source), record.attrs);
    record.outputs.forEach((output, k) => produced.set(output.id, `${name}:${k}`));
  });
  const outputNames = trace.outputIds.map(source);
  const graph = new ProtoWriter();
  for (const bytes of nodes) graph.raw(1, bytes);
  const savedModel = new ProtoWriter()
    .int(1, 1)
    .message(2, (meta) => meta.message(1, (info) => info.raw(4, 'serve')).raw(2, graph.finish()));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'saved_model.pb'), savedModel.finish());
  return { inputNames: trace.inputs.map((_, k) => `in_${k}:0`), outputNames };
}

function readConstant(backend: NativeBackendLike, id: number): ConstRecord {
  const values = backend.binding.tensorDataSync(id);
  throw new Error(`compiled step: tensor ${id} (${values.length} values) was made before the trace and not declared an input`);
}
