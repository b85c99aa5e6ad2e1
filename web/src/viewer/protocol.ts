/** Messages between the viewer page and its maps worker. Plain data only (structured clone). */
import type { PageBackend } from '../backend.ts';

/** A grey slice, row-major `height × width`, already normalised as `tfjs-bnn segment` does. */
export interface Slice {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** Page → worker: compute the maps of `slice` with the saved model. */
export interface MapsRequest {
  readonly backend: PageBackend;
  readonly modelTopology: object;
  readonly weightSpecs: unknown[];
  readonly weightData: ArrayBuffer;
  readonly slice: Slice;
  readonly samples: number;
  readonly seed: number;
}

/** The three maps of channel 0, each `height × width`. */
export interface MapsResult {
  readonly width: number;
  readonly height: number;
  /** Output channels of the model; the maps shown are of channel 0. */
  readonly channels: number;
  readonly meanProbability: Float32Array;
  readonly predictiveEntropy: Float32Array;
  readonly mutualInformation: Float32Array;
}

/** Worker → page. */
export type WorkerMessage =
  | { readonly kind: 'backend'; readonly name: string; readonly reason: string }
  | { readonly kind: 'progress'; readonly done: number; readonly total: number }
  | { readonly kind: 'maps'; readonly result: MapsResult }
  | { readonly kind: 'error'; readonly name: string; readonly message: string };
