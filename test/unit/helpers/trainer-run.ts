import type { GradientSurgery, MixerObservation } from '../../../src/core/types';
import type { Trainer, TrainerEvent } from '../../../src/engine/trainer';

/** `n` training steps; the events they produced (no final flush). */
export async function run(t: Trainer, n: number): Promise<TrainerEvent[]> {
  const events: TrainerEvent[] = [];
  for (let i = 0; i < n; i++) events.push(...(await t.trainStep()));
  return events;
}

type Inner = { update(o: MixerObservation): unknown; surgery?: GradientSurgery };

/** The mixer inside the trainer's MixerHost. */
export const innerMixer = (t: Trainer): Inner =>
  (t as unknown as { mixer: { mixer: Inner } }).mixer.mixer;

/** Records what the trainer hands the mixer at each update (wraps the mixer's own update). */
export function spy(t: Trainer): MixerObservation[] {
  const seen: MixerObservation[] = [];
  const mixer = innerMixer(t);
  const update = mixer.update.bind(mixer);
  mixer.update = (o: MixerObservation) => {
    seen.push(o);
    return update(o);
  };
  return seen;
}
