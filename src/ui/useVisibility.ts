import { useEffect } from 'react';
import type { Actions } from '../store/state';

/**
 * Tells the store when the tab is hidden or shown: a background tab keeps training (the worker
 * is not throttled) and keeps the history, but draws no charts until it is visible again, when
 * one redraw brings every chart up to date.
 */
export function useVisibility(a: Actions): void {
  useEffect(() => {
    const update = () => a.setVisible(document.visibilityState !== 'hidden');
    update();
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, [a]);
}
