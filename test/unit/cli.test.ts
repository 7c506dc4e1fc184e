import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseExperimentArgs, parseMixerVariant } from '../../src/cli/args';
import { main } from '../../src/cli/experiment';
import { jobCount, jobExecArgv, runGrid } from '../../src/cli/jobs';
import { resultsSchema } from '../../src/core/config/results-schema';
import { presetConfig } from '../../src/core/config/presets';
import { createFsCorpusLoader } from '../../src/core/tasks/corpus-node';

afterEach(() => vi.restoreAllMocks());

const variant = (spec: string) => parseMixerVariant(spec);

function quiet() {
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'log').mockImplementation(() => {});
  return err;
}

describe('experiment CLI arguments', () => {
  it.each([
    [['--preset', 'nope', '--mixers', 'mix'], /unknown preset "nope"/],
    [['--preset', 'multilingual', '--mixers', 'mix,bogus'], /unknown mixer "bogus".*pike/],
    [['--tasks', 'copy,zzz', '--mixers', 'mix'], /bad task spec "zzz"/],
    [['--tasks', 'markov:1:2', '--mixers', 'mix'], /markov:1:2/],
    [['--preset', 'multilingual', '--tasks', 'copy', '--mixers', 'mix'], /exactly one of/],
    [['--preset', 'multilingual'], /--mixers is required/],
    [
      ['--preset', 'multilingual', '--mixers', 'mix', '--steps', '12x'],
      /--steps must be a positive integer/,
    ],
    [
      ['--preset', 'multilingual', '--mixers', 'mix', '--seeds', '0'],
      /--seeds must be a positive integer/,
    ],
    [
      ['--preset', 'multilingual', '--mixers', 'mix', '--backend', 'webgpu'],
      /--backend must be wasm or cpu/,
    ],
    [['--preset', 'multilingual', '--mixers', 'mix', '--lr', 'fast'], /--lr must be/],
    [
      ['--preset', 'multilingual', '--mixers', 'mix', '--knobs', 'zeta1=0.5'],
      /knob "zeta1" belongs to none/,
    ],
    [['--preset', 'multilingual', '--mixers', 'pike', '--knobs', 'zeta1'], /NAME=NUMBER/],
    [['--preset', 'multilingual', '--mixers', 'mix', '--frobnicate'], /frobnicate/],
    [['--preset', 'multilingual', '--mixers', 'pike', '--knobs', 'T0=-5'], /bad knobs.*pike.*T0/],
    ...['--jobs=0', '--jobs=-1', '--jobs=1.5', '--jobs=two', '--jobs='].map(
      (jobs): [string[], RegExp] => [
        ['--preset', 'multilingual', '--mixers', 'mix', jobs],
        /--jobs must be a positive integer/,
      ],
    ),
    [['--preset', 'multilingual', '--mixers', 'mix', '--jobs'], /--jobs/],
    // The brace syntax: every problem names the spec and the knob.
    [['--preset', 'multilingual', '--mixers', 'pike{zeta=0}'], /zeta is not a knob of pike/],
    [
      ['--preset', 'multilingual', '--mixers', 'pike{zeta2=x}'],
      /bad knobs for mixer pike\{zeta2=x\}: zeta2/,
    ],
    [['--preset', 'multilingual', '--mixers', 'pike{zeta2=0'], /--mixers: .*never closed/],
    [['--preset', 'multilingual', '--mixers', 'pike{T0=5},pike{T0=5}'], /pike\{T0=5\} twice/],
    [['--tasks', 'add{digits=99}', '--mixers', 'mix'], /bad task spec "add\{digits=99\}".*digits/],
    [
      ['--tasks', 'udhr:hi{noise=2}', '--mixers', 'mix'],
      /bad task spec "udhr:hi\{noise=2\}".*labelNoise/,
    ],
    [['--tasks', 'udhr:hi{noise}', '--mixers', 'mix'], /"noise" is not of the form knob=value/],
    [['--preset', 'multilingual', '--mixers', 'mix', '--shard', '0/2'], /--shard takes I\/N/],
    [['--preset', 'multilingual', '--mixers', 'mix', '--shard', '3/2'], /--shard takes I\/N/],
    [
      ['--preset', 'multilingual', '--mixers', 'mix,doremi'],
      /doremi needs a reference run: add --reference/,
    ],
    [
      ['--preset', 'multilingual', '--mixers', 'doremi', '--reference', 'doremi'],
      /cannot itself need one/,
    ],
    [['--setup', '/nonexistent/run.json'], /--setup \/nonexistent\/run.json/],
  ])('%j exits 2 with a clear message', async (argv, message) => {
    const err = quiet();
    expect(await main(argv)).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(message);
  });

  it('an unknown language code exits 2 naming the code', async () => {
    const err = quiet();
    expect(
      await main(['--tasks', 'udhr:xx', '--mixers', 'mix', '--steps', '1', '--seeds', '1']),
    ).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/unknown UDHR language code "xx"/);
  });

  it('parses defaults and knob overrides', () => {
    const a = parseExperimentArgs([
      '--preset',
      'similarity',
      '--mixers',
      'mix,pike',
      '--knobs',
      'T0=50,scaleAware=false',
    ]);
    expect(a).toMatchObject({
      steps: 400,
      seeds: 3,
      backend: 'wasm',
      evalEvery: 40,
      knobs: { T0: 50, scaleAware: false },
      jobs: availableParallelism(),
    });
    expect(
      parseExperimentArgs(['--preset', 'similarity', '--mixers', 'mix', '--jobs', '3']).jobs,
    ).toBe(3);
  });

  it('reads task knobs and mixer variants in braces, labelled by their spec', () => {
    const a = parseExperimentArgs([
      '--tasks',
      'udhr:hi{noise=0.3;pool=500},add{digits=4}',
      '--mixers',
      'pike, pike{zeta2=0},balanced-pike{tau=3}',
      '--knobs',
      'T0=20',
    ]);
    expect(a.tasks).toEqual([
      { spec: 'udhr:hi', knobs: { labelNoise: 0.3, poolSize: 500 } },
      { spec: 'add', knobs: { difficulty: { digits: 4 } } },
    ]);
    expect(a.mixers).toEqual([
      { label: 'pike', name: 'pike', knobs: {} },
      { label: 'pike{zeta2=0}', name: 'pike', knobs: { zeta2: 0 } },
      { label: 'balanced-pike{tau=3}', name: 'balanced-pike', knobs: { tau: 3 } },
    ]);
    expect(a.knobs).toEqual({ T0: 20 });
    const sharded = ['--preset', 'multilingual', '--mixers', 'mix', '--shard', '2/3'];
    expect(parseExperimentArgs(sharded).shard).toEqual({ index: 2, count: 3 });
  });

  it('never starts more job processes than runs', () => {
    expect(jobCount(8, 4)).toBe(4);
    expect(jobCount(2, 4)).toBe(2);
    expect(jobCount(4, 1)).toBe(1);
  });

  it("job processes get the tsx loader: the parent's flags, or tsx added where they lack it", () => {
    const tsx = ['--import', 'file:///x/node_modules/tsx/dist/loader.mjs'];
    expect(jobExecArgv(tsx)).toEqual(tsx);
    const added = jobExecArgv(['--conditions', 'node']);
    expect(added.slice(0, 3)).toEqual(['--conditions', 'node', '--import']);
    expect(added[3]).toMatch(/^file:.*tsx/);
  });
});

describe('experiment CLI run', () => {
  // One tiny grid (2 mixers x 2 seeds), trained once in this process (--jobs 1) for every test.
  const tiny = ['--tasks', 'copy,reverse', '--mixers', 'mix,pike', '--steps', '4', '--seeds', '2'];
  tiny.push('--eval-every', '2', '--batch', '8', '--knobs', 'T0=2');
  let serialOut = '';
  const results = async (out: string) =>
    resultsSchema.parse(JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')));
  /** results.json without its timing fields, the one thing that may differ between runs. */
  const untimed = async (out: string) => {
    const r = await results(out);
    for (const run of r.runs) Object.assign(run, { msPerStep: 0, tokensPerSec: 0 });
    return r;
  };

  beforeAll(async () => {
    quiet();
    serialOut = await mkdtemp(path.join(tmpdir(), 'pike-exp-j1-'));
    expect(await main([...tiny, '--jobs', '1', '--out', serialOut])).toBe(0);
    vi.restoreAllMocks();
  });

  it('a tiny run writes results.json that validates against its schema, and curves.csv', async () => {
    const { runs } = await results(serialOut);
    expect(runs.map((r) => `${r.mixer}/${r.seed}`)).toEqual(['mix/0', 'pike/0', 'mix/1', 'pike/1']);
    for (const r of runs) {
      expect(r.curve.map((p) => p.step)).toEqual([2, 4]);
      expect(Object.keys(r.final.valLoss)).toEqual(['copy', 'reverse']);
      expect(r.curve[0].weights.reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    }
    // Mix reaches its own final loss at its last step, by definition.
    expect(runs[0].stepsToMixFinal).toBe(4);
    const csv = (await readFile(path.join(serialOut, 'curves.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe(
      'mixer,seed,step,avgValLoss,worstValLoss,valLoss:copy,valLoss:reverse,weight:copy,weight:reverse',
    );
    expect(csv).toHaveLength(1 + 4 * 2);
  });

  it('--jobs 2 writes the same results.json (timing aside) and curves.csv as --jobs 1', async () => {
    const lines = vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const out = await mkdtemp(path.join(tmpdir(), 'pike-exp-j2-'));
    expect(await main([...tiny, '--jobs', '2', '--out', out])).toBe(0);
    expect(await untimed(out)).toEqual(await untimed(serialOut));
    const csv = (dir: string) => readFile(path.join(dir, 'curves.csv'), 'utf8');
    expect(await csv(out)).toBe(await csv(serialOut));
    const printed = lines.mock.calls.flat().join('\n');
    expect(printed).toMatch(/4 runs in 2 jobs/);
    // Runs go to whichever job is ready first: either job may train mix seed 0.
    expect(printed).toMatch(/^\[job [12]\] {3}mix seed 0 step 2:/m);
    expect(printed).toMatch(/^\[job 1\] /m);
    expect(printed).toMatch(/^\[job 2\] /m);
  });

  it('a run that throws in a job process fails the grid, naming the run', async () => {
    const base = { ...presetConfig('multilingual'), tasks: [{ spec: 'copy' }] };
    const spec = { base, steps: 1, evalEvery: 1, knobs: {} };
    const bad = [
      { ...spec, mixer: variant('mix'), seed: 0, base: { ...base, batchSize: -1 } },
      { ...spec, mixer: variant('pike'), seed: 5, base: { ...base, batchSize: -1 } },
    ];
    const quietly = () => {};
    await expect(
      runGrid(bad, {
        jobs: 2,
        backend: 'wasm',
        corpus: createFsCorpusLoader(),
        log: quietly,
        warn: quietly,
      }),
    ).rejects.toThrow(/^run (mix seed 0|pike seed 5) in job [12] failed: .*batchSize/);
  });
});

describe('experiment CLI: variants, doremi against a reference, shards and merge, --setup', () => {
  const grid = ['--tasks', 'copy,reverse{length=3}', '--steps', '4', '--seeds', '2'];
  grid.push('--eval-every', '2', '--batch', '8', '--jobs', '1');
  grid.push('--mixers', 'pike{T0=2},doremi{T0=2;eta=3},unimax', '--reference', 'mix');
  const read = async (dir: string) =>
    resultsSchema.parse(JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')));
  const untimed = (r: Awaited<ReturnType<typeof read>>) => {
    for (const run of r.runs) Object.assign(run, { msPerStep: 0, tokensPerSec: 0 });
    return r;
  };

  it('shards 1/2 and 2/2, merged, equal the whole grid (timing aside)', async () => {
    const lines = quiet();
    const dir = await mkdtemp(path.join(tmpdir(), 'pike-exp-shard-'));
    const [all, s1, s2, merged] = ['all', 's1', 's2', 'merged'].map((d) => path.join(dir, d));
    expect(await main([...grid, '--out', all])).toBe(0);
    const whole = await read(all);
    // The reference mixer joins the grid; labels are the specs as given.
    expect(whole.config.mixers).toEqual(['pike{T0=2}', 'doremi{T0=2;eta=3}', 'unimax', 'mix']);
    expect(whole.runs.map((r) => `${r.mixer}/${r.seed}`)).toEqual([
      'pike{T0=2}/0',
      'doremi{T0=2;eta=3}/0',
      'unimax/0',
      'mix/0',
      'pike{T0=2}/1',
      'doremi{T0=2;eta=3}/1',
      'unimax/1',
      'mix/1',
    ]);
    expect(Object.keys(whole.runs[0].final.valLoss)).toEqual(['copy', 'reverse']);
    expect(await main([...grid, '--shard', '1/2', '--out', s1])).toBe(0);
    expect(await main([...grid, '--shard', '2/2', '--out', s2])).toBe(0);
    // Shard 1 holds pike and unimax, shard 2 doremi and mix: each doremi has its reference.
    expect((await read(s1)).runs.map((r) => r.mixer)).toEqual([
      'pike{T0=2}',
      'unimax',
      'pike{T0=2}',
      'unimax',
    ]);
    expect(await main(['merge', s1, s2, '--out', merged])).toBe(0);
    expect(untimed(await read(merged))).toEqual(untimed(whole));
    const csv = (d: string) => readFile(path.join(d, 'curves.csv'), 'utf8');
    expect(await csv(merged)).toBe(await csv(all));
    // Missing or doubled shards are named.
    const err = lines;
    expect(await main(['merge', s1, '--out', merged])).toBe(1);
    expect(err.mock.calls.flat().join('\n')).toMatch(
      /lack 4 run\(s\): doremi\{T0=2;eta=3\} seed 0/,
    );
    expect(await main(['merge', s1, s1, s2, '--out', merged])).toBe(1);
    expect(err.mock.calls.flat().join('\n')).toMatch(
      /pike\{T0=2\} seed 0 is in more than one input/,
    );
  });

  it("--setup takes a page export (or its setup alone) through the page's importer", async () => {
    const err = quiet();
    const dir = await mkdtemp(path.join(tmpdir(), 'pike-exp-setup-'));
    const config = {
      ...presetConfig('multilingual'),
      tasks: [{ spec: 'copy', knobs: { difficulty: { length: 3 } } }, { spec: 'sort' }],
      mixer: { name: 'pike', knobs: { T0: 2, zeta2: 0 } },
      model: { layers: 1, heads: 2, width: 16, context: 16 },
      batchSize: 8,
      seed: 7,
    };
    const empty = { x: [], cols: [[], []] };
    const runFile = {
      format: 'pike-playground-run',
      version: 1,
      config,
      taskLabels: ['copy', 'sort'],
      step: 0,
      curves: Object.fromEntries(
        ['trainLoss', 'weights', 'valLoss', 'accuracy', 'gradNormSq', 'variance'].map((k) => [
          k,
          empty,
        ]),
      ),
    };
    const file = path.join(dir, 'run.json');
    await writeFile(file, JSON.stringify(runFile));
    const out = path.join(dir, 'out');
    const args = ['--setup', file, '--steps', '2', '--seeds', '1', '--jobs', '1', '--out', out];
    expect(await main(args)).toBe(0);
    const r = await read(out);
    // The setup's own mixer and knobs are the variant; its seed is the first seed.
    expect(r.runs.map((x) => `${x.mixer}/${x.seed}`)).toEqual(['pike{T0=2;zeta2=0}/7']);
    expect(r.config.tasks).toEqual(['copy', 'sort']);
    expect((r.config.run as { batchSize: number }).batchSize).toBe(8);
    // The setup alone works too; a broken one is refused with the page's message.
    await writeFile(file, JSON.stringify(config));
    expect(await main([...args.slice(0, 2), '--mixers', 'mix', ...args.slice(2)])).toBe(0);
    await writeFile(file, JSON.stringify({ ...runFile, config: { ...config, batchSize: -3 } }));
    expect(await main(args)).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/--setup .*run\.json: config: .*batch/);
  });
});
