/**
 * Keeps the URL hash and the current setup equal, both ways.
 *
 * - Setup → link: history.replaceState (so the back button is not flooded), at most a few
 *   times per second. Call after boot, so a bad first link stays visible in the address bar
 *   until the user changes something.
 * - Link → setup: a hash that changes while the page is open (a pasted link, Back, Forward)
 *   goes through the store's `followLink` (the first load's validation; it asks before a
 *   trained model is replaced). Unless the new setup was applied, the current setup's link is
 *   written back, so the address bar never shows a link the page is not running.
 */
import type { AppStore } from './store';
import { encodeHash } from './url-hash';

export function syncHashWithStore(
  store: AppStore,
  delayMs = 200,
  confirm: (question: string) => boolean = (q) => window.confirm(q),
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  // The hash the page last wrote or followed. Another one in the address bar is a navigation
  // (Back, Forward, a paste) whose hashchange has not run yet: the URL changes before its event
  // is dispatched, and writing the setup's link then would overwrite the entry being navigated to
  // (Back within the write's delay after a pasted link stayed on the pasted setup).
  let known = window.location.hash;
  const write = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (window.location.hash !== known) return; // its hashchange will follow the link
    const { config, preset } = store.getState();
    const hash = `#${encodeHash(config, preset)}`;
    if (window.location.hash !== hash) {
      window.history.replaceState(
        null,
        '',
        `${window.location.pathname}${window.location.search}${hash}`,
      );
    }
    known = window.location.hash;
  };
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.present !== prev.present) writePresent(s.present);
    if (s.config === prev.config && s.preset === prev.preset) return;
    if (timer === null) timer = setTimeout(write, delayMs);
  });
  const onHashChange = () => {
    if (timer !== null) clearTimeout(timer); // the setup's pending write would undo the link
    timer = null;
    known = window.location.hash;
    const outcome = store.getState().actions.followLink(window.location.hash, confirm);
    if (outcome !== 'applied') write();
  };
  window.addEventListener('hashchange', onHashChange);
  return () => {
    unsubscribe();
    window.removeEventListener('hashchange', onHashChange);
  };
}

/** Classroom mode in the URL as `?present`, so a reload (or a shared link) keeps it. */
function writePresent(on: boolean): void {
  const params = new URLSearchParams(window.location.search);
  if (on === params.has('present')) return;
  if (on) params.set('present', '');
  else params.delete('present');
  const search = params.toString(); // "present=": read back as on, like "?present"
  const url = `${window.location.pathname}${search ? `?${search}` : ''}${window.location.hash}`;
  window.history.replaceState(null, '', url);
}
