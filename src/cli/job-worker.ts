/**
 * A job process of `npm run experiment -- --jobs N` (forked by jobs.ts; argv[2] is the backend).
 * Sets up its own tfjs backend and corpus loader, says 'ready', then trains each run it is sent
 * with `runOne` and sends the RunResult back. Progress lines go to stdout, which the parent
 * prefixes with `[job k]`. Exits when told to stop or when the parent goes away.
 */
import { createFsCorpusLoader } from '../core/tasks/corpus-node';
import type { JobCommand, JobEvent } from './jobs';
import { useNodeBackend } from './node-backend';
import { runOne } from './run-experiment';

const send = (event: JobEvent) => process.send!(event);

async function serve(): Promise<void> {
  if (!process.send) throw new Error('job-worker.ts is started by jobs.ts (child_process.fork)');
  const backend = process.argv[2] === 'cpu' ? 'cpu' : 'wasm';
  const corpus = createFsCorpusLoader();
  // Runs one at a time, in the order they come: the parent sends the next only after a result.
  let queue = Promise.resolve();
  process.on('message', (cmd: JobCommand) => {
    if (cmd.type === 'stop') {
      process.disconnect();
      return;
    }
    queue = queue.then(async () => {
      try {
        send({ type: 'result', index: cmd.index, result: await runOne(cmd.spec, corpus, log) });
      } catch (e) {
        send({ type: 'failed', index: cmd.index, message: (e as Error).message });
      }
    });
  });
  // The parent died or closed the channel: nothing more will come.
  process.on('disconnect', () => process.exit(0));
  await useNodeBackend(backend);
  send({ type: 'ready' });
}

const log = (line: string) => console.log(line);

serve().catch((e: unknown) => {
  console.error((e as Error).stack ?? String(e));
  process.exit(1);
});
