import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatMany, stackMany } from '../../src/engine/many';
import { useBackend } from './helpers/backend';

beforeAll(() => useBackend());

// The grouping computes exactly what concat/stack compute, for every list length around the
// group size (MAX_INPUTS). The webgpu AddN fix is tested on webgpu in webgpu.test.ts.
describe('many-input helpers', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 40])('%i inputs: same as concat / stack', async (n) => {
    const xs = Array.from({ length: n }, (_, i) => tf.tensor1d([i + 1, -(i + 1) / 2]));
    const vs = Array.from({ length: n }, (_, i) => tf.fill([(i % 3) + 1], i));
    expect(Array.from(await concatMany(vs).data())).toEqual(Array.from(await tf.concat(vs).data()));
    const st = stackMany(xs);
    expect(st.shape).toEqual([n, 2]);
    expect(Array.from(await st.data())).toEqual(Array.from(await tf.stack(xs).data()));
  });
});
