/** Optimizers that update all variables of a model with a few kernels on flat buffers. */
export { ADAM_DEFAULT_BETA1, ADAM_DEFAULT_BETA2, adam, MultiTensorAdam, type AdamState } from './multi-tensor-adam.js';
