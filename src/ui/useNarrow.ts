import { useSyncExternalStore } from 'react';

/**
 * Below this width (CSS px) the page leads with what a learner came for: the run controls, the
 * lesson, then the charts; the task list, mixer and model controls come after them. The same
 * number is the breakpoint in styles.css.
 */
export const NARROW_MAX_WIDTH = 900;
const QUERY = `(max-width: ${NARROW_MAX_WIDTH}px)`;

const media = () => (typeof window === 'undefined' ? undefined : window.matchMedia?.(QUERY));

function subscribe(onChange: () => void): () => void {
  const m = media();
  m?.addEventListener('change', onChange);
  return () => m?.removeEventListener('change', onChange);
}

/** True on a phone or a narrow window (a media query, so it follows rotation and resizing). */
export function useNarrow(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => media()?.matches ?? false,
    () => false,
  );
}
