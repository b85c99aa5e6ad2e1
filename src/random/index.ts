export {
  NoiseSource,
  type NoisePosition,
  type RandomDraws,
  type NormalGenerator,
  type NoiseSourceOptions,
  NORMAL_GENERATORS,
} from './noise-source.js';
export { nativeNormalAvailable, statelessNormal, statelessSeed } from './native-normal.js';
export { NoiseScope, withNoise, activeNoiseScope, requireNoiseScope } from './noise-scope.js';
