export { type Distribution, type Parameter } from './distribution.js';
export { Normal } from './normal.js';
export { ScaleMixtureNormal } from './scale-mixture-normal.js';
