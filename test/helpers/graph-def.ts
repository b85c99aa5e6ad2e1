// Reads back the nodes of a SavedModel written by `savedModelBytes` (name, op, inputs): just the
// protobuf wire format of SavedModel → MetaGraphDef → GraphDef → NodeDef, for tests.

/** One NodeDef, as far as the tests look at it. */
export interface NodeSummary {
  readonly name: string;
  readonly op: string;
  readonly inputs: string[];
}

/** The fields of one message: field number → raw values (bytes for length-delimited, numbers for varints). */
function fields(bytes: Uint8Array): Map<number, Array<Uint8Array | number>> {
  const result = new Map<number, Array<Uint8Array | number>>();
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const [field, wire] = [Math.floor(key / 8), key % 8];
    let value: Uint8Array | number;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const length = varint();
      value = bytes.subarray(at, at + length);
      at += length;
    } else if (wire === 5) {
      value = bytes.subarray(at, at + 4);
      at += 4;
    } else throw new Error(`graph-def: wire type ${wire} is not read here`);
    const list = result.get(field) ?? [];
    list.push(value);
    result.set(field, list);
  }
  return result;
}

const text = (value: Uint8Array | number): string => new TextDecoder().decode(value as Uint8Array);

/** The nodes of the single graph in `savedModel`, in order. */
export function graphNodes(savedModel: Uint8Array): NodeSummary[] {
  const meta = fields(savedModel).get(2)?.[0] as Uint8Array;
  const graph = fields(meta).get(2)?.[0] as Uint8Array;
  return (fields(graph).get(1) ?? []).map((node) => {
    const f = fields(node as Uint8Array);
    return { name: text(f.get(1)![0]), op: text(f.get(2)![0]), inputs: (f.get(3) ?? []).map(text) };
  });
}
