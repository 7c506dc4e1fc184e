/**
 * The URL hash decoder searched for holes with seeded property tests (thousands of cases each):
 * arbitrary text never throws and gives either a config that validates or a message; every
 * mutation of a valid link (a key dropped, repeated, out of range, not a number, unknown, a task
 * index past the tasks, a bad race) is refused with a message that names the key; and every valid
 * config survives encodeHash → decodeHash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presetConfig, PRESET_NAMES, type PresetName } from '../../src/core/config/presets';
import type { RunConfigInput } from '../../src/core/config/run-config';
import { MIXER_NAMES, MIXERS } from '../../src/core/mixers/registry';
import { decodeHash, encodeHash, FIELDS, type DecodedHash } from '../../src/store/url-hash';
import { validateConfig } from '../../src/core/config/validate';
import { canonical, valid } from './helpers/valid-config';
import { anyUnits, INTERNAL_ERROR, names, SEED, validConfigArb } from './helpers/fuzz-arbitraries';

/** An answer is a config that validates (to itself) or a readable message, never a crash. */
function checkAnswer(d: DecodedHash): void {
  if (d.ok) {
    expect(PRESET_NAMES).toContain(d.preset);
    const again = validateConfig(d.config);
    if (!again.ok) throw new Error(`decoded a config that does not validate: ${again.message}`);
    expect(again.config).toEqual(d.config);
  } else {
    expect(d.message.trim()).not.toBe('');
    expect(d.message).not.toMatch(INTERNAL_ERROR);
  }
}

const decodeChecked = (hash: string): DecodedHash => {
  let d: DecodedHash;
  try {
    d = decodeHash(hash);
  } catch (e) {
    throw new Error(`decodeHash threw for ${JSON.stringify(hash)}: ${String(e)}`, { cause: e });
  }
  checkAnswer(d);
  return d;
};

/** Every mixer knob name (a link key when it is the chosen mixer's). */
const KNOB_NAMES = [...new Set(MIXER_NAMES.flatMap((n) => MIXERS[n].knobs.map((k) => k.name)))];
const FIXED_KEYS = ['preset', 'tasks', 'ref', 'refSteps', 'refLoss', 'race'];
const KNOWN_KEYS = [...FIXED_KEYS, ...FIELDS.map((f) => f.key), ...KNOB_NAMES];
const HASH_TOKENS = [
  ...KNOWN_KEYS,
  't0.pool',
  't1.noise',
  't0.enabled',
  't0.length',
  't2.digits',
  't99.pool',
  ...MIXER_NAMES,
  ...PRESET_NAMES,
  'udhr:en',
  'copy',
  'text:0123456789ab',
  'markov:1:0.5',
  'anti:copy',
  '1',
  '0',
  '-1',
  '0.5',
  '1e309',
  'NaN',
  'true',
  'abc',
  '=',
  '&',
  ',',
  '{',
  '}',
  ';',
  '%',
  ':',
  '/',
  '.',
  '#',
  '%E0%A4%A',
  '%20',
  '%26',
];
const tokenString = fc
  .array(fc.oneof(fc.constantFrom(...HASH_TOKENS), fc.string({ maxLength: 3 })), { maxLength: 30 })
  .map((ts) => ts.join(''));
/** `key=value&…` from the known keys and tokens: reaches past the pair reader more often. */
const pairString = fc
  .array(fc.tuple(fc.constantFrom(...KNOWN_KEYS, 't0.pool', 't1.length'), tokenString), {
    maxLength: 8,
  })
  .map((ps) => ps.map(([k, v]) => `${k}=${v}`).join('&'));

describe('decodeHash on arbitrary text', () => {
  it.each([
    ['printable strings', fc.string({ maxLength: 80 })],
    ['full unicode strings', fc.string({ unit: 'binary', maxLength: 60 })],
    ['UTF-16 units, lone surrogates included', anyUnits(60)],
    ['the hash alphabet and its keys', tokenString],
    ['key=value pairs of known keys', pairString],
  ])('%s: never throws; a config that validates or a message', (_, arb) => {
    fc.assert(
      fc.property(arb, fc.boolean(), (s, hashSign) => {
        decodeChecked(hashSign ? `#${s}` : s);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});

/** Valid links to mutate: each preset with a few mixers, a race, own texts, a doremi reference. */
function baseLinks(): string[] {
  const links: string[] = [];
  const add = (c: RunConfigInput, preset: PresetName) => links.push(encodeHash(valid(c), preset));
  for (const preset of PRESET_NAMES) {
    const base = presetConfig(preset);
    for (const name of ['pike', 'mix', 'temperature', 'unimax'] as const) {
      add({ ...base, mixer: { name, knobs: {} } }, preset);
    }
    add({ ...base, race: [{ name: 'pike', knobs: { zeta2: 0 } }, { name: 'mix' }] }, preset);
  }
  const own: RunConfigInput = {
    ...presetConfig('algorithmic'),
    tasks: [
      { spec: 'text:0123456789ab', knobs: { poolSize: 700 } },
      { spec: 'copy', knobs: { difficulty: { length: 5 }, labelNoise: 0.1 } },
      { spec: 'add', knobs: { difficulty: { digits: 4 }, enabled: false } },
    ],
    mixer: { name: 'balanced-pike', knobs: { tau: 2 }, weights: [1, 2, 3] },
  };
  add(own, 'algorithmic');
  const tasks = own.tasks.map((t) => t.spec);
  const reference = {
    label: 'Uniform mix · seed 0',
    tasks,
    steps: [10, 20],
    valLoss: [
      [3, 2, 1],
      [2.5, 1.5, 0.75],
    ],
  };
  add({ ...own, mixer: { name: 'doremi', knobs: { eta: 2 }, reference } }, 'algorithmic');
  add(
    {
      ...own,
      mixer: { name: 'pike', knobs: {}, reference },
      race: [{ name: 'doremi' }, { name: 'ado' }, { name: 'famo' }],
    },
    'conflict',
  );
  return links;
}

type Pair = [key: string, raw: string];
const pairsOf = (hash: string): Pair[] =>
  hash
    .split('&')
    .map((p) => [decodeURIComponent(p.slice(0, p.indexOf('='))), p.slice(p.indexOf('=') + 1)]);
const join = (pairs: Pair[]) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');

const LINKS = baseLinks();
const linkArb = fc.constantFrom(...LINKS).map(pairsOf);

/** Keys whose value is one number (a field, a mixer knob, a task's pool/noise/difficulty knob). */
const isNumberKey = (key: string) =>
  FIELDS.some((f) => f.key === key && (f.type === 'int' || f.type === 'number')) ||
  KNOB_NAMES.includes(key) ||
  /^t\d+\.(?!enabled$)/.test(key);

const refuses = (hash: string, key: string) => {
  const d = decodeChecked(hash);
  if (d.ok) throw new Error(`accepted ${hash}`);
  if (!names(d.message, key)) throw new Error(`"${d.message}" does not name ${key} (${hash})`);
};

describe('decodeHash on mutated valid links', () => {
  it('every base link decodes', () => {
    for (const l of LINKS) expect(decodeChecked(l).ok).toBe(true);
  });

  it('a dropped key: still valid, or a message naming a key of the link', () => {
    fc.assert(
      fc.property(linkArb, fc.nat(), (pairs, i) => {
        const k = i % pairs.length;
        const d = decodeChecked(join(pairs.filter((_, j) => j !== k)));
        if (!d.ok) expect(pairs.some(([key]) => names(d.message, key))).toBe(true);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('a repeated key is refused, naming the key', () => {
    fc.assert(
      fc.property(linkArb, fc.nat(), fc.string({ maxLength: 6 }), (pairs, i, v) => {
        const [key] = pairs[i % pairs.length];
        const d = decodeChecked(join([...pairs, [key, encodeURIComponent(v)]]));
        expect(!d.ok && d.message).toContain(`${key} is given twice`);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  const badNumber = fc.oneof(
    fc.constantFrom('-1', '-1e9', '1e9', '1e309', '-1e309', 'NaN', 'Infinity', '1.5', '0.0001'),
    fc.constantFrom('', 'abc', '0x10', 'true', '1,5', '{}', '%25', '5 5', '1e', '.'),
    fc.double().map(String),
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map(String),
  );

  it('a number key set out of range or to text: valid, or refused naming the key', () => {
    fc.assert(
      fc.property(linkArb, fc.nat(), badNumber, (pairs, i, v) => {
        const numeric = pairs.filter(([k]) => isNumberKey(k));
        const [key] = numeric[i % numeric.length];
        const hash = join(pairs.map(([k, raw]) => [k, k === key ? encodeURIComponent(v) : raw]));
        const d = decodeChecked(hash);
        if (!d.ok && !names(d.message, key)) {
          throw new Error(`"${d.message}" does not name ${key} (${hash})`);
        }
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('a key that is not a number where one is expected is refused, naming the key', () => {
    fc.assert(
      fc.property(
        linkArb,
        fc.nat(),
        fc.constantFrom('', 'abc', 'NaN', 'Infinity', '0x10', '1e', '.', '--1', '1 2', '∞'),
        (pairs, i, v) => {
          const numeric = pairs.filter(([k]) => isNumberKey(k) || k === 'weights');
          const [key] = numeric[i % numeric.length];
          refuses(join(pairs.map(([k, raw]) => [k, k === key ? encodeURIComponent(v) : raw])), key);
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('an enum key, tasks or t<i>.enabled set to an unknown value is refused, naming the key', () => {
    fc.assert(
      fc.property(linkArb, fc.nat(), fc.string({ minLength: 1, maxLength: 8 }), (pairs, i, v) => {
        const keys = pairs.filter(([k]) => /^(preset|mixer|opt|decay|tasks)$|\.enabled$/.test(k));
        const [key] = keys[i % keys.length];
        const value = `zz${v.replace(/,/g, '')}`;
        refuses(
          join(pairs.map(([k, raw]) => [k, k === key ? encodeURIComponent(value) : raw])),
          key,
        );
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('an unknown key is refused, naming the key', () => {
    const ident = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.]{0,10}$/);
    const unknown = ident.filter((k) => !KNOWN_KEYS.includes(k) && !/^t\d+\./.test(k));
    fc.assert(
      fc.property(linkArb, unknown, fc.string({ maxLength: 5 }), (pairs, key, v) => {
        refuses(join([...pairs, [key, encodeURIComponent(v)]]), key);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('a task knob past the last task is refused, naming the key', () => {
    fc.assert(
      fc.property(
        linkArb,
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom('pool', 'noise', 'enabled', 'length'),
        (pairs, extra, knob) => {
          const tasks = decodeURIComponent(pairs.find(([k]) => k === 'tasks')![1]).split(',');
          const key = `t${tasks.length + extra}.${knob}`;
          refuses(join([...pairs, [key, '1']]), key);
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });

  const contestant = fc.oneof(
    fc.constantFrom(...MIXER_NAMES),
    fc.constantFrom('pike{zeta2=abc}', 'pike{zeta2=-1}', 'pike{T0=1.5}', 'mix{T0=5}', 'zeta'),
    fc.constantFrom('pike{', 'pike}', '{zeta2=0}', 'pike{zeta2}', 'pike{zeta2=0;zeta2=1}', ''),
  );
  it('a bad race (one contestant, five, an unknown mixer, a bad knob) is refused, naming race', () => {
    const bad = fc.oneof(
      fc.constantFrom(...MIXER_NAMES).map((m) => [m]),
      fc.array(fc.constantFrom(...MIXER_NAMES), { minLength: 5, maxLength: 8 }),
      fc
        .tuple(
          fc.array(contestant, { minLength: 1, maxLength: 4 }),
          fc.constantFrom('magic', 'pike{zeta2=abc}', 'pike{floor=2}', 'mix{tau=1}', 'pike{'),
        )
        .chain(([cs, b]) =>
          fc.shuffledSubarray([...cs, b], { minLength: cs.length + 1, maxLength: cs.length + 1 }),
        ),
    );
    fc.assert(
      fc.property(linkArb, bad, (pairs, race) => {
        const rest = pairs.filter(([k]) => k !== 'race');
        refuses(join([...rest, ['race', encodeURIComponent(race.join(','))]]), 'race');
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('encodeHash → decodeHash round trip', () => {
  it('every valid config comes back equal (after validateConfig)', () => {
    fc.assert(
      fc.property(validConfigArb, ({ config, preset }) => {
        const v = validateConfig(config);
        if (!v.ok) throw new Error(`the generator made an invalid config: ${v.message}`);
        const hash = encodeHash(v.config, preset);
        const d = decodeChecked(`#${hash}`);
        if (!d.ok) throw new Error(`${hash}: ${d.message}`);
        expect(d.preset).toBe(preset);
        expect(canonical(d.config)).toEqual(canonical(v.config));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('a config that validates with any udhr code and reference label is a link that reads back', () => {
    fc.assert(
      fc.property(anyUnits(10), anyUnits(30), (code, label) => {
        const tasks = [{ spec: 'copy' }, { spec: `udhr:${code}` }];
        const specs = tasks.map((t) => t.spec);
        const reference = { label, tasks: specs, steps: [10], valLoss: [[1, 2]] };
        const v = validateConfig({
          ...presetConfig('algorithmic'),
          tasks,
          mixer: { name: 'doremi', knobs: {}, reference },
        });
        if (!v.ok) return; // refused with a message: nothing to carry
        let hash: string;
        try {
          hash = encodeHash(v.config, 'algorithmic');
        } catch (e) {
          throw new Error(`encodeHash threw for ${JSON.stringify([code, label])}: ${String(e)}`, {
            cause: e,
          });
        }
        const d = decodeChecked(hash);
        if (!d.ok) throw new Error(`${JSON.stringify([code, label])}: ${d.message}`);
        expect(canonical(d.config)).toEqual(canonical(v.config));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
