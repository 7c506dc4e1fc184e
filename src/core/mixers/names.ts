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
] as const;

export type MixerName = (typeof MIXER_NAMES)[number];

export function isMixerName(name: unknown): name is MixerName {
  return typeof name === 'string' && (MIXER_NAMES as readonly string[]).includes(name);
}
