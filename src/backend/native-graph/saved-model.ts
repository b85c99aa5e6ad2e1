/**
 * Writing a traced call as a TensorFlow SavedModel: one GraphDef whose declared inputs are
 * `Placeholder`s, tensors made during the call `Const`s (or fed placeholders), and each recorded
 * op a `NodeDef` with the attributes tfjs-node gave it, in the protocol buffer `proto.ts` writes.
 */
import { BnnError } from '../../errors.js';
import { ProtoWriter, writeAttrValue, writeShape, type AttrCodes, type BindingAttr } from './proto.js';
import type { ConstantRecord, GraphTensor, Trace } from './trace.js';

/** How `savedModelBytes` writes the ops (`CompileOptions`, all off by default). */
export interface GraphWriting {
  /** Constants fed as placeholders; every `AddN` of more than two terms as `Add`s in the CPU kernel's order. */
  readonly preserveArithmetic: boolean;
  /** A float `Add` of a [..., C] tensor and a [C] vector written as `BiasAdd`. */
  readonly fuseBias: boolean;
}

/**
 * The GraphDef of a trace wrapped in a SavedModel (tag `serve`), with the feed and fetch names;
 * `binding` holds tfjs-node's attribute and dtype codes. With `preserveArithmetic` the tensors made
 * during the call become placeholders (`fedConstants`, fed after the inputs; equal ones share one)
 * and every `AddN` of more than two terms is written as `Add`s; with `fuseBias` a bias-shaped `Add`
 * is written as `BiasAdd` (`CompileOptions`).
 */
export function savedModelBytes(
  binding: Readonly<Record<string, number>>,
  trace: Trace,
  inputs: readonly GraphTensor[],
  outputs: readonly GraphTensor[],
  writing: GraphWriting,
): { bytes: Uint8Array; inputNames: string[]; outputNames: string[]; fedConstants: ConstantRecord[] } {
  const inputIds = inputs.map((t) => t.handle);
  const codes: AttrCodes = {
    STRING: binding.TF_ATTR_STRING,
    INT: binding.TF_ATTR_INT,
    FLOAT: binding.TF_ATTR_FLOAT,
    BOOL: binding.TF_ATTR_BOOL,
    TYPE: binding.TF_ATTR_TYPE,
    SHAPE: binding.TF_ATTR_SHAPE,
  };
  const dtypeCode = (t: GraphTensor) => (t.dtype === 'int32' ? binding.TF_INT32 : t.dtype === 'bool' ? binding.TF_BOOL : binding.TF_FLOAT);
  const declared = new Set(inputIds);
  const { preserveArithmetic, fuseBias } = writing;
  const shapes = shapesOf(trace, inputs);
  const produced = new Map<number, string>();
  inputIds.forEach((id, k) => produced.set(id, `input_${k}:0`));
  const nodes: Uint8Array[] = [];
  const node = (name: string, op: string, sources: string[], attrs: BindingAttr[]) => {
    const writer = new ProtoWriter().raw(1, name).raw(2, op);
    for (const source of sources) writer.raw(3, source);
    for (const attr of attrs)
      writer.message(5, (entry) => entry.raw(1, attr.name).message(2, (value) => writeAttrValue(value, attr, codes)));
    nodes.push(writer.finish());
  };
  inputs.forEach((tensor, k) =>
    node(
      `input_${k}`,
      'Placeholder',
      [],
      [
        { name: 'dtype', type: codes.TYPE, value: dtypeCode(tensor) },
        { name: 'shape', type: codes.SHAPE, value: tensor.shape },
      ],
    ),
  );
  let constantCount = 0;
  const fedConstants: ConstantRecord[] = [];
  const fedByValue = new Map<string, string>();
  const constantNames: string[] = [];
  const source = (id: number): string => {
    const known = produced.get(id);
    if (known !== undefined) return known;
    const record = trace.constants.get(id);
    if (record === undefined) {
      throw new BnnError(
        `compileTrace: the traced call read tensor handle ${id}, made before the call and not declared an input; ` +
          `declare every tensor the call reads (weights, data, state) as an input.`,
      );
    }
    if (preserveArithmetic) {
      // Equal constants (the same scalar or shape vector made again and again) share one feed.
      const identity = `${record.dtype}|${record.shape.join(',')}|${record.bytes.join(',')}`;
      const same = fedByValue.get(identity);
      if (same !== undefined) {
        produced.set(id, same);
        return same;
      }
      const name = `const_${constantCount++}`;
      fedByValue.set(identity, `${name}:0`);
      fedConstants.push(record);
      node(
        name,
        'Placeholder',
        [],
        [
          { name: 'dtype', type: codes.TYPE, value: record.dtype },
          { name: 'shape', type: codes.SHAPE, value: record.shape },
        ],
      );
      produced.set(id, `${name}:0`);
      constantNames.push(`${name}:0`);
      return `${name}:0`;
    }
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
    produced.set(id, `${name}:0`);
    return `${name}:0`;
  };
  trace.ops.forEach((record, i) => {
    // An op whose every output is a declared input is cut off: the graph takes those values as inputs.
    if (record.outputs.length > 0 && record.outputs.every((output) => declared.has(output.id))) return;
    const name = `op_${i}`;
    const type = record.attrs.filter((attr) => attr.name === 'T');
    const bias = fuseBias ? biasOperands(record, shapes, binding.TF_FLOAT) : null;
    if (preserveArithmetic && record.op === 'AddN' && record.inputs.length > 2) {
      addNAsAdds(record.inputs.map(source), name, (addName, a, b) => node(addName, 'Add', [a, b], type));
    } else if (bias !== null) {
      node(name, 'BiasAdd', [source(bias.value), source(bias.bias)], [...type, { name: 'data_format', type: codes.STRING, value: 'NHWC' }]);
    } else node(name, record.op, record.inputs.map(source), record.attrs);
    record.outputs.forEach((output, k) => {
      if (!declared.has(output.id)) produced.set(output.id, `${name}:${k}`);
    });
  });
  const outputNames = outputs.map((t) => source(t.handle));
  const graph = new ProtoWriter();
  for (const bytes of nodes) graph.raw(1, bytes);
  const savedModel = new ProtoWriter()
    .int(1, 1)
    .message(2, (meta) => meta.message(1, (info) => info.raw(4, 'serve')).raw(2, graph.finish()));
  return {
    bytes: savedModel.finish(),
    inputNames: [...inputIds.map((_, k) => `input_${k}:0`), ...constantNames],
    outputNames,
    fedConstants,
  };
}

/** The shape of every handle the trace knows: declared inputs, tensors made during the call, op outputs. */
function shapesOf(trace: Trace, inputs: readonly GraphTensor[]): Map<number, readonly number[]> {
  const shapes = new Map<number, readonly number[]>();
  for (const input of inputs) shapes.set(input.handle, input.shape);
  for (const [id, record] of trace.constants) shapes.set(id, record.shape);
  for (const record of trace.ops) for (const output of record.outputs) shapes.set(output.id, output.shape);
  return shapes;
}

/**
 * The handles of an op that is a bias addition: a float32 `Add`/`AddV2` of a tensor of rank ≥ 2
 * (`value`) and a vector as long as its last dimension (`bias`), in either order (IEEE addition
 * commutes), whose result has the tensor's shape. `BiasAdd` computes the same sums, one rounding
 * each, and TensorFlow's graph optimizer fuses it into the `Conv2D`/`Conv3D`/`MatMul` before it.
 * Else null.
 */
function biasOperands(
  record: Trace['ops'][number],
  shapes: ReadonlyMap<number, readonly number[]>,
  float: number,
): { value: number; bias: number } | null {
  if ((record.op !== 'Add' && record.op !== 'AddV2') || record.inputs.length !== 2 || record.outputs.length !== 1) return null;
  if (record.attrs.find((attr) => attr.name === 'T')?.value !== float) return null;
  const out = record.outputs[0].shape;
  const isBias = (value: number, bias: number): boolean => {
    const v = shapes.get(value);
    const b = shapes.get(bias);
    if (v === undefined || b === undefined || v.length < 2 || b.length !== 1 || b[0] !== v[v.length - 1]) return false;
    return v.length === out.length && v.every((d, k) => d === out[k]);
  };
  const [a, b] = record.inputs;
  if (isBias(a, b)) return { value: a, bias: b };
  if (isBias(b, a)) return { value: b, bias: a };
  return null;
}

/**
 * An `AddN` of `inputs` written as binary `Add`s in the order TensorFlow's CPU kernel sums them
 * (the first n mod 8 inputs — 8 for 0, 9 for 1 — left to right, then each next 8 summed and added
 * to the total), so the sum has the eager op's bits and the graph optimizer has no `AddN` to
 * flatten into its neighbours' `Add`s. The last node is named `name`.
 */
function addNAsAdds(inputs: readonly string[], name: string, add: (name: string, a: string, b: string) => void): void {
  let count = 0;
  const chain = (terms: readonly string[], last: boolean): string =>
    terms.slice(1).reduce((total, term, k) => {
      const addName = last && k === terms.length - 2 ? name : `${name}/add_${count++}`;
      add(addName, total, term);
      return `${addName}:0`;
    }, terms[0]);
  const n = inputs.length;
  const head = n % 8 === 0 ? 8 : n % 8 === 1 ? 9 : n % 8;
  let total = chain(inputs.slice(0, head), head === n);
  for (let start = head; start < n; start += 8) {
    const chunk = chain(inputs.slice(start, start + 8), false);
    const addName = start + 8 >= n ? name : `${name}/add_${count++}`;
    add(addName, total, chunk);
    total = `${addName}:0`;
  }
}
