/**
 * tfjs-bnn for Node: the core entry (`./index.ts`, browser-safe) plus what needs Node — files
 * (NIfTI, PNG, models, checkpoints, reports, the shipped digits), the native backend choice, and
 * the one-tfjs check against the application's own `@tensorflow/tfjs`.
 *
 * Importing it (as `tfjs-bnn` in Node, or `tfjs-bnn/node` anywhere Node runs) checks that the
 * application and tfjs-bnn resolve the same tfjs (`DuplicateTfjsError` otherwise), makes
 * directories the default checkpoint store of `fit`, and chooses the backend (native `tensorflow`
 * when installed, else `cpu`; `TFJS_BNN_BACKEND` overrides) before any tensor is made.
 */
import { requireSingleTfjs } from './backend/single-tfjs-node.js';
import { initBackend } from './backend/select.js';

export * from './index.js';
export {
  BACKEND_ENV_VAR,
  NATIVE_PACKAGES,
  backendInfo,
  initBackend,
  installedNativePackages,
  onBackendReady,
  type BackendInfo,
  type BackendName,
} from './backend/select.js';
export { requireSingleTfjs, tfjsCoreLocations } from './backend/single-tfjs-node.js';
export { readNifti, writeNifti } from './io/nifti-file.js';
export { readPng, readPngSlices, writeGreyPng, writeRgbaPng, writeUncertaintyPanel, type PngSlices } from './io/png-file.js';
export { readDigitsTable } from './data/digits/file.js';
export { loadDigits } from './data/digits/load.js';
export { directoryHandler, loadModel, saveModel } from '../layers/io.js';
export { directoryCheckpointStore, readCheckpoint, writeCheckpoint } from '../inference/trainer/checkpoint.js';
export { writeRunReport, type WrittenReport } from '../inference/report/write.js';

requireSingleTfjs();
await initBackend();
