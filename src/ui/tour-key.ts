/** The localStorage key that marks the first-visit tour as seen (shared with test setups). */
export const TOUR_STORAGE_KEY = 'pike-playground.tour.v1';

/** Whether the tour was closed or finished in this browser (no storage: treated as seen). */
export function tourSeen(): boolean {
  try {
    return localStorage.getItem(TOUR_STORAGE_KEY) !== null;
  } catch {
    return true;
  }
}
