/** The shape shared by Random and Round-Robin: each whole batch comes from one task. */
import type { Mixer, MixerName } from '../types';

/** A stateless mixer whose weights at `step` are one-hot on `pick(step)`. */
export function oneTaskPerStepMixer(
  name: MixerName,
  numTasks: number,
  pick: (step: number) => number,
): Mixer {
  return {
    name,
    needs: { stats: false, losses: false, every: 0 },
    weights(step: number): Float64Array {
      const w = new Float64Array(numTasks);
      w[pick(step)] = 1;
      return w;
    },
    update: () => ({ changed: false }),
  };
}
