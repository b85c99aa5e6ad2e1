/**
 * The few protocol-buffer messages a TensorFlow SavedModel holding one GraphDef needs, written by
 * hand (wire format: varints and length-delimited fields): SavedModel → MetaGraphDef (tags,
 * GraphDef) → NodeDef (name, op, inputs, attrs) → AttrValue / TensorProto / TensorShapeProto.
 * Field numbers are those of tensorflow/core/protobuf/saved_model.proto, meta_graph.proto and
 * tensorflow/core/framework/{graph,node_def,attr_value,tensor,tensor_shape}.proto.
 */

/** An append-only protobuf encoder. */
export class ProtoWriter {
  private readonly bytes: number[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private tag(field: number, wireType: 0 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  /** An int64/int32/enum/bool field. */
  int(field: number, value: number | boolean): this {
    this.tag(field, 0);
    this.varint(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return this;
  }

  /** A float (fixed32) field. */
  float(field: number, value: number): this {
    this.tag(field, 5);
    const buffer = new DataView(new ArrayBuffer(4));
    buffer.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.bytes.push(buffer.getUint8(i));
    return this;
  }

  /** A bytes or string field. */
  raw(field: number, value: Uint8Array | string): this {
    const data = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    this.tag(field, 2);
    this.varint(data.length);
    for (const byte of data) this.bytes.push(byte);
    return this;
  }

  /** An embedded message field. */
  message(field: number, build: (writer: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.raw(field, inner.finish());
  }

  /** A packed repeated varint field (int64, enum, bool). */
  packedInts(field: number, values: readonly (number | boolean)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(typeof v === 'boolean' ? (v ? 1 : 0) : v);
    return this.raw(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const data = new Uint8Array(new Float32Array(values).buffer);
    return this.raw(field, data);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** One attribute as tfjs-node's binding takes it: its type code and value. */
export interface BindingAttr {
  readonly name: string;
  readonly type: number;
  readonly value: unknown;
}

/** The binding's attribute type codes (TF_ATTR_*). */
export interface AttrCodes {
  readonly STRING: number;
  readonly INT: number;
  readonly FLOAT: number;
  readonly BOOL: number;
  readonly TYPE: number;
  readonly SHAPE: number;
}

/** A TensorShapeProto of known dimensions. */
export function writeShape(writer: ProtoWriter, dims: readonly number[]): void {
  for (const d of dims) writer.message(2, (dim) => dim.int(1, d));
}

/** AttrValue of one binding attribute. */
export function writeAttrValue(writer: ProtoWriter, attr: BindingAttr, codes: AttrCodes): void {
  const { type, value } = attr;
  if (type === codes.SHAPE) {
    writer.message(7, (shape) => writeShape(shape, value as number[]));
    return;
  }
  if (Array.isArray(value)) {
    writer.message(1, (list) => {
      if (type === codes.INT) list.packedInts(3, value as number[]);
      else if (type === codes.FLOAT) list.packedFloats(4, value as number[]);
      else if (type === codes.BOOL) list.packedInts(5, value as boolean[]);
      else throw new Error(`attribute '${attr.name}': list of type code ${type} is not supported`);
    });
  } else if (type === codes.STRING) writer.raw(2, String(value));
  else if (type === codes.INT) writer.int(3, value as number);
  else if (type === codes.FLOAT) writer.float(4, value as number);
  else if (type === codes.BOOL) writer.int(5, value as boolean);
  else if (type === codes.TYPE) writer.int(6, value as number);
  else throw new Error(`attribute '${attr.name}': type code ${type} is not supported`);
}
