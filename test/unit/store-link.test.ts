/** followLink: a changed link through the first load's validation (link-actions.ts). */
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../src/core/config/presets';
import { REPLACE_QUESTION } from '../../src/store/link-actions';
import { encodeHash } from '../../src/store/url-hash';
import { validateConfig } from '../../src/core/config/validate';
import { bootedStore } from './helpers/fake-client';

const link = (mixer: string) => {
  const v = validateConfig({ ...presetConfig('conflict'), mixer: { name: mixer, knobs: {} } });
  if (!v.ok) throw new Error(v.message);
  return `#${encodeHash(v.config, 'conflict')}`;
};
const never = () => {
  throw new Error('asked');
};

describe('followLink', () => {
  it('loads a valid link with another setup as a reset; the same setup is left alone', () => {
    const { store, a, ready, sent } = bootedStore();
    ready();
    const n = sent.length;
    expect(a().followLink(link('mix'), never)).toBe('applied');
    expect(store.getState().preset).toBe('conflict');
    expect(store.getState().config.mixer.name).toBe('mix');
    expect(sent.at(-1)).toMatchObject({ type: 'configure' });
    expect(sent.length).toBe(n + 1);
    expect(a().followLink(link('mix'), never)).toBe('same');
    expect(sent.length).toBe(n + 1);
  });

  it('asks before replacing a model that has trained; no keeps everything', () => {
    const { store, a, ready, emit, sent } = bootedStore();
    ready();
    emit({ type: 'progress', step: 5 });
    const before = store.getState().config;
    const n = sent.length;
    const asked: string[] = [];
    expect(a().followLink(link('mix'), (q) => (asked.push(q), false))).toBe('kept');
    expect(asked).toEqual([REPLACE_QUESTION]);
    expect(store.getState().config).toBe(before);
    expect(sent.length).toBe(n);
    expect(a().followLink(link('mix'), () => true)).toBe('applied');
    expect(store.getState().config.mixer.name).toBe('mix');
  });

  it('refuses an invalid link with a message naming the key, changing nothing', () => {
    const { store, a, ready, sent } = bootedStore();
    ready();
    const before = store.getState().config;
    const n = sent.length;
    expect(a().followLink('#preset=conflict&layers=0', never)).toBe('refused');
    expect(store.getState().config).toBe(before);
    expect(store.getState().error).toMatchObject({ kind: 'link' });
    expect(store.getState().error?.message).toMatch(/layers/);
    expect(sent.length).toBe(n);
  });

  it('after a crash, a new link starts a fresh worker with it', () => {
    const { store, a, ready, emit, sent } = bootedStore();
    ready();
    emit({ type: 'error', kind: 'crash', message: 'boom', recoverable: true });
    expect(a().followLink(link('mix'), () => true)).toBe('applied');
    expect(sent.at(-2)).toEqual({ type: 'restart' });
    expect(sent.at(-1)).toMatchObject({ type: 'configure' });
    expect(store.getState().error).toBeNull();
  });
});
