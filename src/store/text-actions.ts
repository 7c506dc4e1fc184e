/**
 * The user's own text as a task: validated (UTF-8, size limits) and hashed, stored in this
 * browser's IndexedDB under its hash, then added like any task with the spec `text:<hash>`.
 * The link carries only that spec: it resolves in the browser that holds the text, and a notice
 * tells the user so.
 */
import {
  formatBytes,
  MAX_TEXT_BYTES,
  ownTextSpec,
  textHash,
  validateOwnText,
} from '../core/config/catalogue';
import type { Actions, StoreContext } from './state';

type TextActions = Pick<Actions, 'addOwnText'>;

export function createTextActions(ctx: StoreContext): TextActions {
  const fail = (message: string) => {
    ctx.set({
      error: {
        title: 'That text was not added',
        message,
        kind: 'import',
        recoverable: false,
      },
    });
    return false;
  };
  return {
    async addOwnText(bytes, name, size = bytes.length) {
      const what = name ? `"${name}"` : 'The text';
      if (size > MAX_TEXT_BYTES) {
        return fail(
          `${what} is ${formatBytes(size)}; a task text may be at most ${formatBytes(MAX_TEXT_BYTES)}. Use a shorter excerpt.`,
        );
      }
      const checked = validateOwnText(bytes);
      if (!checked.ok) return fail(name ? `${what}: ${checked.message}` : checked.message);
      let hash: string;
      try {
        hash = await textHash(checked.text);
        await ctx.persistence.putText(hash, checked.text);
      } catch (e) {
        return fail(`The text could not be stored in this browser: ${(e as Error).message}`);
      }
      const spec = ownTextSpec(hash);
      if (ctx.get().config.tasks.some((t) => t.spec === spec)) {
        return fail('This text is a task already.');
      }
      if (!ctx.get().actions.addTask({ spec })) return false;
      ctx.notify(
        `Your text is task ${spec}: it is stored in this browser only. A link to this setup ` +
          `carries its fingerprint (${hash}), which works in this browser but not in another.`,
      );
      return true;
    },
  };
}
