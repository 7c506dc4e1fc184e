/**
 * Keeps the URL hash equal to the current setup (history.replaceState, so the back button is not
 * flooded), at most a few times per second. Call after boot, so a bad link stays visible in the
 * address bar until the user changes something.
 */
import type { AppStore } from './store';
import { encodeHash } from './url-hash';

export function syncHashWithStore(store: AppStore, delayMs = 200): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = () => {
    timer = null;
    const { config, preset } = store.getState();
    const hash = `#${encodeHash(config, preset)}`;
    if (window.location.hash !== hash) {
      window.history.replaceState(
        null,
        '',
        `${window.location.pathname}${window.location.search}${hash}`,
      );
    }
  };
  return store.subscribe((s, prev) => {
    if (s.present !== prev.present) writePresent(s.present);
    if (s.config === prev.config && s.preset === prev.preset) return;
    if (timer === null) timer = setTimeout(write, delayMs);
  });
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
