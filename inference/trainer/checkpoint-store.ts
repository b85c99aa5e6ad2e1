/**
 * Where `fit` keeps checkpoints: a `CheckpointStore` maps a location (a directory on disk, a key
 * in memory) to the latest checkpoint. The core has the memory store; the Node entry registers the
 * directory store as the default, so `fit({checkpoint: {dir}})` writes files in Node and asks for
 * a store in browsers.
 */
import { BnnError } from '../../src/errors.js';
import { decodeCheckpoint, encodeCheckpoint, type TrainerCheckpoint } from './checkpoint-format.js';

/** Reads and writes the latest checkpoint of a location. Writes must be atomic: a reader sees the old or the new checkpoint, never a mix. */
export interface CheckpointStore {
  /** What the store keeps checkpoints in (`'directory'`, `'memory'`, …), for messages. */
  readonly kind: string;
  /** Writes `checkpoint` as the latest of `location`; resolves to where it went. */
  write(location: string, checkpoint: TrainerCheckpoint): Promise<string>;
  /** The latest checkpoint of `location`, or null when there is none. */
  read(location: string): Promise<TrainerCheckpoint | null>;
}

/**
 * A store in memory (browsers, tests, short runs): each location keeps the checkpoint's text, as a
 * file would, so a read returns an independent copy and the checksum is verified like a file's.
 */
export function memoryCheckpointStore(): CheckpointStore & { readonly locations: () => string[] } {
  const texts = new Map<string, string>();
  return {
    kind: 'memory',
    async write(location, checkpoint) {
      texts.set(location, encodeCheckpoint(checkpoint));
      return location;
    },
    async read(location) {
      const text = texts.get(location);
      return text === undefined ? null : decodeCheckpoint(text, `memory checkpoint '${location}'`);
    },
    locations: () => [...texts.keys()],
  };
}

let defaultStore: CheckpointStore | null = null;

/** Sets the store used when `fit`'s options name a location but no store (the Node entry sets the directory store). */
export function setDefaultCheckpointStore(store: CheckpointStore | null): void {
  defaultStore = store;
}

/**
 * The default store.
 * @throws BnnError when none is registered (a browser build given a checkpoint directory), saying what to do.
 */
export function defaultCheckpointStore(where: string): CheckpointStore {
  if (defaultStore === null) {
    throw new BnnError(
      `${where}: checkpoints in a directory need the file system, which this build has not got (no default checkpoint store); ` +
        `in Node load the package's Node entry ('tfjs-bnn' resolves to it there, or 'tfjs-bnn/node'); elsewhere pass checkpoint: {store: memoryCheckpointStore(), …}.`,
    );
  }
  return defaultStore;
}
