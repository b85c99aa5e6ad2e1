/** The tests' one deterministic pseudo-random source (a 32-bit LCG: no tfjs randomness, so failures reproduce). */

/** `length` successive LCG states from `seed` (0 is taken as 1), each in [0, 2³²). */
export function lcgStates(length: number, seed: number): Uint32Array {
  const states = new Uint32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    states[i] = state;
  }
  return states;
}

/** `length` values in [−1, 1) from `seed`. */
export function lcgValues(length: number, seed: number): Float32Array {
  return Float32Array.from(lcgStates(length, seed), (state) => state / 2 ** 31 - 1);
}

/** `length` bytes (the top byte of each state) from `seed`. */
export function lcgBytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from(lcgStates(length, seed), (state) => state >>> 24);
}
