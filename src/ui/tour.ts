/**
 * The first-visit tour of the page's parts, with driver.js (a small, dependency-free, well-kept
 * product-tour library: it highlights an element and shows a popover with Next / Back / close).
 * Shown once per browser: closing it at any step (✕, Escape, a click outside) or finishing it
 * stores TOUR_STORAGE_KEY, and it never starts again by itself; the header's "Tour" button
 * replays it. Test and benchmark pages set the key first (src/cli/browser.ts, skipTour).
 */
import { driver, type DriveStep } from 'driver.js';
import 'driver.js/dist/driver.css';
import { TOUR_STORAGE_KEY } from './tour-key';

const STEPS: DriveStep[] = [
  {
    element: '[data-testid="train-button"]',
    popover: {
      title: 'Train',
      description:
        'A small transformer learns several tasks at once on your GPU. Space trains and pauses; → takes one step.',
    },
  },
  {
    element: '[data-testid="preset-select"]',
    popover: {
      title: 'Lessons',
      description:
        'Each preset is a lesson: a set of tasks chosen to show one part of PiKE’s rule. Its card says what to look for.',
    },
  },
  {
    element: '[data-testid="task-board"]',
    popover: {
      title: 'Tasks',
      description:
        'One card per task, in its colour: current share of the batch, losses, and knobs that apply while training. Add your own text below.',
    },
  },
  {
    element: '[data-testid="weights-chart"]',
    popover: {
      title: 'Sampling weights',
      description:
        'How the mixer splits each batch between the tasks. PiKE moves weight toward tasks with large gradients and away from noisy ones.',
    },
  },
  {
    element: '[data-testid="conflict-matrix"]',
    popover: {
      title: 'Gradient conflict',
      description:
        'Cosine similarity of the task gradients. PiKE assumes little conflict: few blue (opposed) cells.',
    },
  },
  {
    element: '[data-testid="race-button"]',
    popover: {
      title: 'Race',
      description:
        'Train mixers side by side from the same start and data, and watch the leaderboard.',
    },
  },
  {
    element: '[data-testid="present-toggle"]',
    popover: {
      title: 'Classroom mode',
      description: 'Large type and only the charts that matter, for a projector. Enjoy!',
    },
  },
];

function remember(): void {
  try {
    localStorage.setItem(TOUR_STORAGE_KEY, new Date().toISOString());
  } catch {
    // No storage (private mode): the tour may show again next time.
  }
}

/** Starts the tour over the steps whose elements are on the page now. */
export function startTour(): void {
  const steps = STEPS.filter((s) => !s.element || document.querySelector(s.element as string));
  const tour = driver({
    showProgress: true,
    // No sliding highlight for people who ask for less motion.
    animate: !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches,
    allowClose: true,
    steps,
    // Every way out (✕, Escape, a click on the overlay, Done) passes here: remember, then close.
    onDestroyStarted: () => {
      remember();
      tour.destroy();
    },
  });
  tour.drive();
}
