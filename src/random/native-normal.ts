/**
 * Standard normals, uniforms and signs from TensorFlow's own stateless counter-based generator
 * (Philox, `StatelessRandomNormal`/`StatelessRandomUniform`), called through the tfjs-node binding when the active backend is
 * `tensorflow`. The numbers are a pure function of (seed pair, shape), are made where the
 * tensor lives (no JavaScript loop, no copy into TensorFlow), and so replay bit-exactly.
 *
 * No import of tfjs-node: the backend object is inspected at run time, so this file is safe in a
 * browser bundle (it simply reports the generator as unavailable there).
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { activeNativeBackend, type OpAttr } from '../backend/native-kernels/native-backend.js';

/** Whether `statelessNormal` can run now: the active backend is tfjs-node's `tensorflow`. */
export function nativeNormalAvailable(): boolean {
  return activeNativeBackend() !== null;
}

/**
 * The Philox seed pair of a stream key and the index of the draw within it: two 32-bit integers
 * from an Alea generator seeded with `key`, the kind of draw and `draw`. Equal arguments give
 * equal pairs; normals and uniforms of one key have separate counters and seeds.
 */
export function statelessSeed(key: string, draw: number, kind: 'normal' | 'uniform' = 'normal'): [number, number] {
  const generator = seedrandom.alea(`${key}|${kind}#${draw}`);
  return [generator.int32(), generator.int32()];
}

/**
 * A float32 tensor of `shape` filled with standard normals by TensorFlow's
 * `StatelessRandomNormal` (Philox-4×32-10 with Box–Muller) for the seed pair `seed`. Same seed and
 * shape → the same values, on every call. The caller owns the tensor.
 *
 * @throws Error when the native backend is not active (check `nativeNormalAvailable()` first).
 */
export function statelessNormal(shape: readonly number[], seed: readonly [number, number]): tf.Tensor {
  return withSeedTensor(seed, (seedTensor) => statelessNormalFromSeedTensor(shape, seedTensor));
}

/**
 * `statelessNormal` with the seed pair given as an int32 tensor of shape [2] (e.g. an input of a
 * compiled graph). The caller owns the result; `seed` stays the caller's.
 *
 * @throws Error when the native backend is not active.
 */
export function statelessNormalFromSeedTensor(shape: readonly number[], seed: tf.Tensor): tf.Tensor {
  return statelessRandom('statelessNormal', 'StatelessRandomNormal', shape, seed);
}

/**
 * A float32 tensor of `shape` filled with uniforms on [0, 1) by TensorFlow's
 * `StatelessRandomUniform` (Philox-4×32-10) for the seed pair `seed`. Same seed and shape → the same
 * values. The caller owns the tensor.
 *
 * @throws Error when the native backend is not active.
 */
export function statelessUniform(shape: readonly number[], seed: readonly [number, number]): tf.Tensor {
  return withSeedTensor(seed, (seedTensor) => statelessUniformFromSeedTensor(shape, seedTensor));
}

/** `statelessUniform` with the seed pair as an int32 tensor of shape [2]; `seed` stays the caller's. */
export function statelessUniformFromSeedTensor(shape: readonly number[], seed: tf.Tensor): tf.Tensor {
  return statelessRandom('statelessUniform', 'StatelessRandomUniform', shape, seed);
}

/**
 * Random signs from `statelessUniform`: −1 where the uniform is below ½ and +1 elsewhere
 * (2·⌊2u⌋ − 1, exact in float32), the convention of the Alea stream's signs. The caller owns the tensor.
 *
 * @throws Error when the native backend is not active.
 */
export function statelessSigns(shape: readonly number[], seed: readonly [number, number]): tf.Tensor {
  return withSeedTensor(seed, (seedTensor) => statelessSignsFromSeedTensor(shape, seedTensor));
}

/** `statelessSigns` with the seed pair as an int32 tensor of shape [2]; `seed` stays the caller's. */
export function statelessSignsFromSeedTensor(shape: readonly number[], seed: tf.Tensor): tf.Tensor {
  const uniforms = statelessUniformFromSeedTensor(shape, seed);
  try {
    return tf.tidy(() => tf.sub(tf.mul(tf.floor(tf.mul(uniforms, 2)), 2), 1));
  } finally {
    uniforms.dispose();
  }
}

/** `draw` of a temporary int32 [2] tensor holding `seed`. */
function withSeedTensor(seed: readonly [number, number], draw: (seedTensor: tf.Tensor) => tf.Tensor): tf.Tensor {
  const seedTensor = tf.tensor1d([seed[0], seed[1]], 'int32');
  try {
    return draw(seedTensor);
  } finally {
    seedTensor.dispose();
  }
}

/** One of TensorFlow's stateless float32 generators on `shape` with the int32 [2] seed tensor `seed`. */
function statelessRandom(
  where: string,
  op: 'StatelessRandomNormal' | 'StatelessRandomUniform',
  shape: readonly number[],
  seed: tf.Tensor,
): tf.Tensor {
  const backend = activeNativeBackend();
  if (backend === null)
    throw new Error(`${where}: needs the 'tensorflow' backend (tfjs-node); the active backend is '${tf.getBackend()}'.`);
  const { TF_ATTR_TYPE, TF_FLOAT, TF_INT32 } = backend.binding;
  const attrs: OpAttr[] = [
    { name: 'dtype', type: TF_ATTR_TYPE, value: TF_FLOAT },
    { name: 'T', type: TF_ATTR_TYPE, value: TF_INT32 },
    { name: 'Tseed', type: TF_ATTR_TYPE, value: TF_INT32 },
  ];
  const shapeTensor = tf.tensor1d(shape as number[], 'int32');
  try {
    return backend.executeSingleOutput(op, attrs, [shapeTensor, seed]);
  } finally {
    shapeTensor.dispose();
  }
}
