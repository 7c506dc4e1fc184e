/**
 * The requests the worker has not answered yet (ctx.pending, by id; core/protocol.ts): what each
 * changes, what the page shows meanwhile, and how a refused live change is undone.
 */
import type { PendingOp, StoreContext } from './state';

type LiveOp = Extract<PendingOp, { kind: 'mixer' | 'optimizer' }>;
const isLive = (op: PendingOp): op is LiveOp => op.kind === 'mixer' || op.kind === 'optimizer';

/** Remembers what request `id` (sent just now) changes, until its reply comes. */
export function expectReply(ctx: StoreContext, id: number | undefined, op: PendingOp): void {
  if (id !== undefined) ctx.pending.set(id, op);
}

/** Takes request `id`'s entry out: its reply came (undefined for an unknown id or none). */
export function settle(ctx: StoreContext, id: number | undefined): PendingOp | undefined {
  if (id === undefined) return undefined;
  const op = ctx.pending.get(id);
  ctx.pending.delete(id);
  return op;
}

/** Whether a reset or a restart is still on its way (the page shows "building"). */
export function rebuilding(ctx: StoreContext): boolean {
  return [...ctx.pending.values()].some((p) => p.kind === 'reset' || p.kind === 'restart');
}

/** Whether a rebuild or a task change is still on its way (a `ready` is then not the last). */
export function awaitingReady(ctx: StoreContext): boolean {
  return [...ctx.pending.values()].some((p) => !isLive(p));
}

/**
 * Sends a live change of the mixer or the optimizer (the config already holds it) and remembers
 * the value it replaces: the worker's, after the changes still on their way.
 */
export function sendLive(
  ctx: StoreContext,
  part: LiveOp['kind'],
  send: () => number | undefined,
): void {
  const after = ctx.get().config[part];
  let before = ctx.confirmed?.[part] ?? after;
  for (const op of ctx.pending.values()) if (op.kind === part) before = op.after;
  expectReply(ctx, send(), { kind: part, before, after } as LiveOp);
}

/**
 * A live change the worker refused: its part of the setup goes back to the value it replaced,
 * unless a newer change of the same part is on its way (that one then replaces the refused
 * one's value, and inherits what to go back to). Returns whether `op` was a live change.
 */
export function undoLive(ctx: StoreContext, id: number, op: PendingOp): boolean {
  if (!isLive(op)) return false;
  const newer = [...ctx.pending].find(([k, p]) => k > id && p.kind === op.kind);
  if (newer) ctx.pending.set(newer[0], { ...newer[1], before: op.before } as LiveOp);
  else ctx.set({ config: { ...ctx.get().config, [op.kind]: op.before } });
  return true;
}

/** A live change the worker runs: its value is what the worker has from now on. */
export function confirmLive(ctx: StoreContext, op: PendingOp | undefined): void {
  if (ctx.confirmed && op && isLive(op)) ctx.confirmed = { ...ctx.confirmed, [op.kind]: op.after };
}
