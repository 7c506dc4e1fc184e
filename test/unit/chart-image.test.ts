import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/core/config/run-config';
import { imageName, setupLine, wrapText } from '../../src/ui/charts/chart-image';
import { tiny } from './helpers/tiny-config';

describe('a chart image’s words', () => {
  it('names the run’s setup in the footer: preset, mixer or race, model, batch, seed, step', () => {
    const c = parseRunConfig(tiny({ mixer: { name: 'mix', knobs: {} } }));
    expect(setupLine('multilingual', c, 12345)).toBe(
      'multilingual · Uniform mix · 1 layer × 16 wide, context 16 · batch 8 · seed 3 · step 12,345',
    );
    const race = parseRunConfig(
      tiny({
        model: { layers: 2, heads: 2, width: 16, context: 16 },
        race: [
          { name: 'mix', knobs: {} },
          { name: 'pike', knobs: {} },
        ],
      }),
    );
    expect(setupLine('conflict', race, 0)).toBe(
      'conflict · Uniform mix vs PiKE · 2 layers × 16 wide, context 16 · batch 8 · seed 3 · step 0',
    );
  });

  it('gives a file name from the title', () => {
    expect(imageName('Sampling weights', 'png')).toBe('pike-sampling-weights.png');
    expect(imageName('Gradient conflict (cosine)', 'svg')).toBe(
      'pike-gradient-conflict-cosine.svg',
    );
    expect(imageName('∇', 'png')).toBe('pike-chart.png');
  });

  it('wraps a footer after its separators to the width, a long piece on a line of its own', () => {
    const measure = (t: string) => t.length; // one unit per character
    expect(wrapText('aa · bbb · cccc', 1, 10, ' · ', measure)).toEqual(['aa · bbb ·', 'cccc']);
    expect(wrapText('aa · bbb · cccc', 1, 9, ' · ', measure)).toEqual(['aa ·', 'bbb ·', 'cccc']);
    expect(wrapText('aa · bbb · cccc', 1, 99, ' · ', measure)).toEqual(['aa · bbb · cccc']);
    expect(wrapText('a-very-long-piece · b', 1, 5, ' · ', measure)).toEqual([
      'a-very-long-piece ·',
      'b',
    ]);
    expect(wrapText('one two three', 1, 7, ' ', measure)).toEqual(['one two', 'three']);
  });
});
