import { useEffect } from 'react';
import type { Actions } from '../store/state';

/** Elements where keys belong to the user's typing, not to the shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'SUMMARY'].includes(target.tagName);
}

/**
 * Space toggles train/pause, → takes one step. Ignored while typing in a field (and on focused
 * buttons, where Space already presses the button).
 */
export function useKeyboard(actions: Actions): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === ' ' || e.code === 'Space') {
        e.preventDefault();
        actions.toggleTrain();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        actions.stepOnce();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions]);
}
