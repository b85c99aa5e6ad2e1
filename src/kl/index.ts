export { registerKL, klDivergence, hasClosedFormKL, type KLFunction, type KLOptions, type DistributionClass } from './registry.js';
export { klNormalNormal } from '../distributions/normal.js';
