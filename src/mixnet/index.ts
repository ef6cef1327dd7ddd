// The verifiable re-encryption mixnet (docs/spec.md §18): shuffle and prove, check a shuffle.
export { shuffle, type ShuffleResult, type ShuffleOptions } from './shuffle.js';
export { checkShuffle, type ShuffleCheck } from './verify.js';
export { checkContext, type ShuffleContext } from './context.js';
export { prepareGenerators, generatorImplementation } from './generators.js';
export { encodeRows, decodeRows, encodedCiphertext, proofSize, MixnetFormatError, type Row, type EncodedCiphertext } from './encoding.js';
