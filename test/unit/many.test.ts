import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMany, concatMany, stackMany } from '../../src/engine/many';
import { useBackend } from './helpers/backend';

beforeAll(() => useBackend());

// The WebGPU bug these helpers avoid (≥ 8 kernel inputs) cannot occur in Node; here we check
// that the grouping computes exactly what addN/concat/stack compute, for every list length
// around the group size (MAX_INPUTS).
describe('many-input helpers', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 40])(
    '%i inputs: same as addN / concat / stack',
    async (n) => {
      const xs = Array.from({ length: n }, (_, i) => tf.tensor1d([i + 1, -(i + 1) / 2]));
      const vs = Array.from({ length: n }, (_, i) => tf.fill([(i % 3) + 1], i));
      expect(Array.from(await addMany(xs).data())).toEqual(Array.from(await tf.addN(xs).data()));
      expect(Array.from(await concatMany(vs).data())).toEqual(
        Array.from(await tf.concat(vs).data()),
      );
      const st = stackMany(xs);
      expect(st.shape).toEqual([n, 2]);
      expect(Array.from(await st.data())).toEqual(Array.from(await tf.stack(xs).data()));
    },
  );
});
