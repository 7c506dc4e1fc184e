/**
 * The fault hook's page side (?fault=KIND@STEP) and the store's answer to the worker's fault
 * events: the hook goes to the first worker only, a bad parameter is named, and a model that
 * cannot be built keeps the previous setup (or, with none, leaves Restart as the way on).
 */
import { describe, expect, it } from 'vitest';
import { faultNotice, parseFaultParam } from '../../src/store/fault-param';
import { bootedStore } from './helpers/fake-client';

const configures = (sent: { type: string }[]) =>
  sent.filter((c) => c.type === 'configure') as { type: 'configure'; fault?: unknown }[];

describe('?fault=KIND@STEP', () => {
  it('parses each kind and a step; anything else is named and injects nothing', () => {
    expect(parseFaultParam('?fault=device-lost@12')).toEqual({
      fault: { kind: 'device-lost', step: 12 },
    });
    expect(parseFaultParam('?fault=build-fail@0').fault).toEqual({ kind: 'build-fail', step: 0 });
    expect(parseFaultParam('?backend=wasm')).toEqual({});
    for (const bad of [
      'nan',
      'nan@',
      'nan@-1',
      'nan@1.5',
      'oom@3',
      'crash@1e3',
      '@4',
      'crash@4x',
    ]) {
      const r = parseFaultParam(`?fault=${encodeURIComponent(bad)}`);
      expect(r.fault).toBeUndefined();
      expect(r.error).toContain(`?fault=${bad}`);
    }
    expect(faultNotice({ kind: 'nan', step: 5 })).toMatch(/\?fault=nan@5/);
  });

  it('goes with the first configure only: a restart builds without it', () => {
    const { sent, a, ready, store } = bootedStore({ search: '?fault=crash@7' });
    expect(configures(sent)[0].fault).toEqual({ kind: 'crash', step: 7 });
    expect(
      store
        .getState()
        .warnings.map((w) => w.message)
        .join(),
    ).toMatch(/Fault injection/);
    ready();
    a().restart(false);
    a().reset();
    expect(configures(sent).length).toBeGreaterThan(1);
    expect(
      configures(sent)
        .slice(1)
        .every((c) => c.fault === undefined),
    ).toBe(true);
  });

  it('a bad ?fault is reported like a bad link and the page boots normally', () => {
    const { sent, store } = bootedStore({ search: '?fault=melt@3' });
    expect(store.getState().error?.message).toMatch(/\?fault=melt@3 is not a fault/);
    expect(configures(sent)[0].fault).toBeUndefined();
  });
});

describe('a model that cannot be built (error kind "build")', () => {
  it('after a first model: the setup goes back to it, history stays, training can go on', () => {
    const { store, a, ready, emit } = bootedStore();
    ready();
    const before = store.getState().config;
    a().setModel({ width: 128 }); // a reset with a bigger model…
    expect(store.getState().config.model.width).toBe(128);
    emit({ type: 'error', kind: 'build', message: 'allocation failed', recoverable: true });
    const s = store.getState();
    expect(s.config).toEqual(before);
    expect(s.error).toMatchObject({ kind: 'build', recoverable: true });
    expect(s.status).not.toBe('error');
    a().dismissError();
    expect(store.getState().status).not.toBe('error');
  });

  it('with no model yet: status error (Train off) until Restart starts a fresh worker', () => {
    const { store, a, sent, emit } = bootedStore();
    const config = store.getState().config;
    emit({ type: 'error', kind: 'build', message: 'allocation failed', recoverable: true });
    expect(store.getState().status).toBe('error');
    expect(store.getState().config).toEqual(config); // not replaced by the default preset
    a().dismissError();
    expect(store.getState().status).toBe('error');
    a().restart(false);
    expect(sent.at(-2)).toEqual({ type: 'restart' });
    expect(sent.at(-1)).toMatchObject({ type: 'configure', config });
  });

  it('after a crash, any reset (a preset, a loaded file, Reset) builds in a fresh worker', () => {
    const { store, a, ready, emit, sent } = bootedStore();
    ready();
    emit({ type: 'error', kind: 'crash', message: 'boom', recoverable: true });
    a().setPreset('conflict');
    expect(sent.at(-2)).toEqual({ type: 'restart' });
    expect(sent.at(-1)).toMatchObject({
      type: 'configure',
      config: { tasks: store.getState().config.tasks },
    });
    expect(store.getState().preset).toBe('conflict');
    expect(store.getState().error).toBeNull();
    expect(store.getState().resetNote).toMatch(/conflict/);
  });
});
