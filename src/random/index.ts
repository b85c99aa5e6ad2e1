export { NoiseSource, type NoisePosition, type RandomDraws } from './noise-source.js';
export { NoiseScope, withNoise, activeNoiseScope, requireNoiseScope } from './noise-scope.js';
