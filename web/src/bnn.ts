/**
 * The tfjs-bnn names the browser app uses, from browser-safe source modules. Vite aliases
 * `tfjs-bnn` to this file (web/vite.config.ts); once the package's core entry (src/index.ts) is
 * browser-safe, this file becomes `export * from '../../src/index.ts'` — one line.
 *
 * Every module imported here must be free of `node:` imports and of top-level Node globals.
 */
export { FormatError, ShapeError, InvalidArgumentError, BackendUnavailableError, BnnError } from '../../src/errors.ts';
export { NoiseSource, withNoise } from '../../src/random/index.ts';
export { regressionToy, REGRESSION_TOY_DEFAULT_NOISE_VARIANCE, REGRESSION_TOY_DEFAULT_HIGH, REGRESSION_TOY_DEFAULT_LOW } from '../../src/data/regression-toy.ts';
export { denseVariational } from '../../layers/dense-variational.ts';
// Registering the variational layer classes (and the U-Net's upsampling) with tfjs's serializer.
export { ConvVariational } from '../../layers/conv-variational.ts';
export { ConvTransposeVariational } from '../../layers/conv-transpose-variational.ts';
export { NearestUpsampling } from '../../layers/unet.ts';
export { Elbo } from '../../inference/elbo/index.ts';
export { gaussian } from '../../inference/likelihoods/index.ts';
export * as klWeighting from '../../inference/kl-weighting/index.ts';
// The pieces `fit` runs each step with. `fit` itself imports its checkpoint and progress-bar I/O
// (node:fs, cli-progress) at the top; once those are split off it replaces the loop in web/src/toy/train.ts.
export { TensorBatchSource } from '../../inference/trainer/data-source.ts';
export { SHUFFLE_FORK } from '../../inference/trainer/batches.ts';
export { trainingStep, trainableVariables } from '../../inference/trainer/step.ts';
export { elboObjective } from '../../inference/trainer/objective.ts';
export { GradientRecorder } from '../../inference/inspector/recorder.ts';
export { predictive, disposePredictive } from '../../inference/predictive/index.ts';
export { decodePngBytes, pngPixelsToGrey } from '../../src/io/png-bytes.ts';
export { parseNifti } from '../../src/io/nifti-parse.ts';
export { normalizeSlices } from '../../src/io/normalize.ts';
export { viridis, applyColormap } from '../../src/io/colormap.ts';
export { installFastCpuKernels } from '../../src/backend/cpu-kernels/install.ts';
export { registerConv3dTransposeGradient } from '../../src/backend/conv3d-transpose-gradient.ts';
