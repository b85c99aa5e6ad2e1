/**
 * tfjs-bnn: Bayesian neural networks for TensorFlow.js.
 *
 * Importing the package chooses the backend (native `tensorflow` when installed, else `cpu`;
 * `TFJS_BNN_BACKEND` overrides) before any tensor is made.
 */
import { initBackend } from './backend/index.js';

export * from './errors.js';
export * from './validate.js';
export * from './backend/index.js';
export * from './random/index.js';
export * from './distributions/index.js';
export * from './kl/index.js';
export { VariationalParameter } from './variational-parameter.js';
export { softplus, inverseSoftplus, scaleFromRaw } from './tensor/softplus.js';
export { padToMultiple, cropPadding, cropPaddingArray, paddingToMultiple, roundUpToMultiple, type MultiplePadding, type AxisPadding } from './tensor/pad-to-multiple.js';
export * from '../layers/index.js';
export * from '../inference/index.js';
export * from './io/index.js';
export * from './data/phantom/index.js';
export * from './data/digits/index.js';
export * from './data/regression-toy.js';

await initBackend();
