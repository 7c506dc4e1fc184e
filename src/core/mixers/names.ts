/**
 * The mixers' names, in menu order: a leaf module, so the config schema, the spec parser, the
 * protocol and the UI can know the names without importing the mixers themselves (the registry,
 * registry.ts, maps each name to its definition and must cover every one).
 */
export const MIXER_NAMES = [
  'mix',
  'static',
  'temperature',
  'random',
  'round-robin',
  'pike',
  'pike-kkt',
  'balanced-pike',
  'famo',
  'odm',
  'doremi',
  'ado',
  'unimax',
  'aioli',
  'doge',
  'pcgrad',
  'cagrad',
] as const;

export type MixerName = (typeof MIXER_NAMES)[number];

export function isMixerName(name: unknown): name is MixerName {
  return typeof name === 'string' && (MIXER_NAMES as readonly string[]).includes(name);
}

/**
 * The mixers that change the update by gradient surgery (their Mixer has `surgery`; the
 * registry's test checks the two agree): memory.ts counts their per-task gradients.
 */
export const SURGERY_MIXERS: readonly MixerName[] = ['pcgrad', 'cagrad'];
