import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../src/store/store';
import { embedSnippet, embedUrl, HIDE_NAMES, parseViewParams } from '../../src/store/view-param';
import { fakeClient } from './helpers/fake-client';

describe('?embed and ?hide=', () => {
  it('reads the embed flag and the hide list, comma-separated or repeated, once each', () => {
    expect(parseViewParams('')).toEqual({ embed: false, hide: [] });
    expect(parseViewParams('?embed')).toEqual({ embed: true, hide: [] });
    expect(parseViewParams('?embed=0').embed).toBe(false);
    expect(parseViewParams('?embed&hide=tasks,model&hide=tasks, samples')).toEqual({
      embed: true,
      hide: ['tasks', 'model', 'samples'],
    });
  });

  it('names the names it does not know, and still hides the others', () => {
    const v = parseViewParams('?hide=tasks,chart,toString');
    expect(v.hide).toEqual(['tasks']);
    expect(v.error).toContain('“chart”, “toString” are not a panel or control');
    expect(v.error).toContain(HIDE_NAMES.join(', '));
    expect(v.error).toContain('the others are hidden');
    expect(parseViewParams('?hide=nope').error).toContain('nothing is hidden');
  });

  it('builds the frame address and an <iframe> whose attributes are escaped', () => {
    const src = embedUrl('https://x.org/pike/', 'preset=conflict&mixer=pike', ['tasks', 'model']);
    expect(src).toBe('https://x.org/pike/?embed&hide=tasks,model#preset=conflict&mixer=pike');
    expect(embedUrl('https://x.org/', 'preset=noisy', [])).toBe(
      'https://x.org/?embed#preset=noisy',
    );
    const html = embedSnippet(src, 'A "quoted" <title>');
    expect(html).toContain(
      'src="https://x.org/pike/?embed&amp;hide=tasks,model#preset=conflict&amp;mixer=pike"',
    );
    expect(html).toContain('title="A &quot;quoted&quot; &lt;title&gt;"');
    expect(html).toMatch(/^<iframe [^>]*><\/iframe>$/);
    // The attribute, parsed back, is the address.
    const parsed = /src="([^"]*)"/.exec(html)![1].replace(/&amp;/g, '&');
    expect(parsed).toBe(src);
  });

  it('the store takes both at boot; a bad name is a message and changes nothing else', () => {
    const boot = (search: string) => {
      const { client } = fakeClient();
      const store = createAppStore({ createClient: () => client, setTimer: () => {} });
      store.getState().actions.boot({ hash: '#preset=conflict&mixer=pike', search });
      return store.getState();
    };
    const good = boot('?embed&hide=tasks,compare');
    expect([good.embed, good.hide, good.error]).toEqual([true, ['tasks', 'compare'], null]);
    const bad = boot('?hide=compare,bogus');
    expect(bad.hide).toEqual(['compare']);
    expect(bad.error?.message).toContain('“bogus” is not a panel or control');
    expect([bad.preset, bad.config.mixer.name]).toEqual(['conflict', 'pike']);
  });
});
