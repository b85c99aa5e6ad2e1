/**
 * Trainer checkpoints in files (Node only): `<dir>/checkpoint.json` holds the text of
 * `encodeCheckpoint`, written atomically (temp file, fsync, rename) so a crash never leaves a
 * half-written checkpoint in place.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../src/errors.js';
import { decodeCheckpoint, encodeCheckpoint, type TrainerCheckpoint } from './checkpoint-format.js';
import { setDefaultCheckpointStore, type CheckpointStore } from './checkpoint-store.js';

/** File name of the latest checkpoint inside the checkpoint directory. */
export const CHECKPOINT_FILE = 'checkpoint.json';
/** Suffix of the temporary file a checkpoint is first written to. */
export const CHECKPOINT_TEMP_SUFFIX = '.tmp';

/**
 * Writes `checkpoint` to `<dir>/checkpoint.json` atomically: the text goes to
 * `checkpoint.json.tmp`, is fsync'ed, then renamed over the previous checkpoint (and the directory
 * fsync'ed), so readers see either the old or the new file, never a mix.
 *
 * @returns the path of the written file.
 */
export async function writeCheckpoint(dir: string, checkpoint: TrainerCheckpoint): Promise<string> {
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('writeCheckpoint', 'dir', dir, 'a directory path');
  await fs.mkdir(dir, { recursive: true });
  const text = encodeCheckpoint(checkpoint);
  const target = path.join(dir, CHECKPOINT_FILE);
  const temp = target + CHECKPOINT_TEMP_SUFFIX;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, target);
  try {
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  }
  return target;
}

/**
 * Reads `<dir>/checkpoint.json`. Returns null when there is none; a stale temp file from an
 * interrupted write is ignored. Throws `FormatError` when the file is truncated, altered (its
 * sha256 does not match) or of another format.
 */
export async function readCheckpoint(dir: string): Promise<TrainerCheckpoint | null> {
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('readCheckpoint', 'dir', dir, 'a directory path');
  const file = path.join(dir, CHECKPOINT_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return decodeCheckpoint(text, file);
}

/** The store of checkpoint directories on disk: `location` is the directory. */
export const directoryCheckpointStore: CheckpointStore = { kind: 'directory', write: writeCheckpoint, read: readCheckpoint };

// Importing this file (the Node entry does) makes directories the default checkpoint store of `fit`.
setDefaultCheckpointStore(directoryCheckpointStore);
