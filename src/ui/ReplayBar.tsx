/**
 * The replay's controls (issue 20, part 3): what is replayed, play/pause, speed, a step scrubber
 * and the way back to live training. It owns the replay's clock: while playing it moves the step
 * by `speed` steps a second in ticks; the charts draw the history up to it (store/replay.ts).
 */
import { useEffect } from 'react';
import { REPLAY_SPEEDS } from '../store/state';
import { useActions, useApp, useAppStore } from './store-context';

/** Ticks a second while playing: each moves the step and redraws the charts. */
const TICK_MS = 200;

export function ReplayBar() {
  const r = useApp((s) => s.replay);
  const store = useAppStore();
  const a = useActions();
  const playing = r?.playing ?? false;
  useEffect(() => {
    if (!playing) return;
    const id = setInterval(() => {
      const cur = store.getState().replay;
      if (!cur?.playing) return;
      const next = cur.step + Math.max(1, (cur.speed * TICK_MS) / 1000);
      a.replaySeek(next);
      if (next >= cur.last) a.replayPlay(false);
    }, TICK_MS);
    return () => clearInterval(id);
  }, [playing, store, a]);
  if (!r) return null;
  const speeds = [...new Set([...REPLAY_SPEEDS, r.speed])].sort((x, y) => x - y);
  return (
    <section className="replay-bar" data-testid="replay-bar" aria-label="Replay of a run file">
      <p className="replay-what">
        <strong>Replay</strong> of a run file: {r.title}. Nothing trains; the charts show the file’s
        history up to the step below.
      </p>
      <div className="replay-controls">
        <button
          type="button"
          className="btn small primary"
          data-testid="replay-play"
          onClick={() => a.replayPlay(!r.playing)}
        >
          {r.playing ? 'Pause' : r.step >= r.last ? 'Play again' : 'Play'}
        </button>
        <label className="replay-speed">
          <span>speed</span>
          <select
            value={r.speed}
            data-testid="replay-speed"
            onChange={(e) => a.replaySpeed(Number(e.target.value))}
          >
            {speeds.map((v) => (
              <option key={v} value={v}>
                {v} steps/s
              </option>
            ))}
          </select>
        </label>
        <input
          type="range"
          className="replay-scrub"
          min={0}
          max={r.last}
          step={1}
          value={r.step}
          data-testid="replay-scrub"
          aria-label="step of the replay"
          onChange={(e) => {
            a.replayPlay(false);
            a.replaySeek(Number(e.target.value));
          }}
        />
        <span className="replay-step" data-testid="replay-step" data-step={r.step}>
          step {r.step} / {r.last}
        </span>
        <button
          type="button"
          className="btn small ghost"
          data-testid="replay-exit"
          onClick={a.exitReplay}
        >
          Back to training
        </button>
      </div>
    </section>
  );
}
