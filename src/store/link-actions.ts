/**
 * A link that changes while the page is open (a pasted link that differs only after `#`, Back,
 * Forward): the same validation as a first load (decodeHash), so the setup on screen and the
 * link always agree.
 *
 * - An invalid link changes nothing: the page says why and keeps its setup (url-sync.ts then
 *   writes the setup's link back into the address bar).
 * - A valid link with another setup replaces the current one (a reset). When a model is training
 *   or has trained (step > 0), the page asks first, as replacing it clears its history; a "no"
 *   keeps training and the old link comes back.
 */
import { budgetProblem, sendReset } from './config-helpers';
import type { Actions, StoreContext } from './state';
import { decodeHash, encodeHash } from './url-hash';
import { localTasks } from '../core/config/validate';

export const REPLACE_QUESTION =
  'This link has another setup. Replace the current model with it? Its charts start over ' +
  '(saved runs under Compare runs stay).';

export function createLinkActions(ctx: StoreContext): Pick<Actions, 'followLink'> {
  return {
    followLink(hash, confirm) {
      const s = ctx.get();
      const decoded = decodeHash(hash);
      const tooBig = decoded.ok ? budgetProblem(ctx, decoded.config) : null;
      if (!decoded.ok || tooBig) {
        ctx.set({
          error: {
            title: 'Problem with the link',
            message: `The new link's setup is invalid (${decoded.ok ? tooBig : decoded.message}); the page keeps its setup and its link.`,
            kind: 'link',
            recoverable: false,
          },
        });
        return 'refused';
      }
      const { config, preset } = decoded;
      if (encodeHash(config, preset) === encodeHash(s.config, s.preset)) return 'same';
      const trained = s.step > 0 || s.status === 'running';
      if (trained && !confirm(REPLACE_QUESTION)) return 'kept';
      ctx.set({
        config,
        preset,
        tasks: localTasks(config),
        ...(s.error?.kind === 'link' || s.error?.kind === 'config' ? { error: null } : {}),
      });
      sendReset(ctx, config, 'the link changed'); // a fresh worker if this one is gone
      return 'applied';
    },
  };
}
