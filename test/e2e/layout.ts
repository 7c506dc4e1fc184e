/**
 * Layout checks shared by the screens and accessibility E2E: controls smaller than WCAG 2.2's
 * 24×24 CSS px target, anything that sticks out of the window, and where things are.
 */
import type { Page } from 'playwright-core';

/** A control under 24×24 px: its test id (or tag and text) and size. */
export interface SmallTarget {
  what: string;
  width: number;
  height: number;
}

/**
 * Visible interactive elements under 24×24 CSS px. A visually hidden input whose label is the
 * target (the Import button's file input) is judged by its label; inline links in running text
 * are exempt under WCAG 2.5.8 and not counted.
 */
export async function smallTargets(page: Page): Promise<SmallTarget[]> {
  return page.evaluate(() => {
    const out: { what: string; width: number; height: number }[] = [];
    const sel =
      'button, select, textarea, summary, input:not([type="hidden"]), [role="button"], [role="slider"], [tabindex="0"]';
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(sel))) {
      let target: HTMLElement = el;
      if (el.classList.contains('visually-hidden')) {
        const label = el.closest('label');
        if (!label) continue;
        target = label;
      }
      const r = target.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue; // not rendered
      if (getComputedStyle(target).visibility === 'hidden') continue;
      if (r.width < 24 || r.height < 24) {
        const id = el.getAttribute('data-testid');
        const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 24);
        out.push({
          what: id ?? `${el.tagName.toLowerCase()}${text ? ` "${text}"` : ''}`,
          width: Math.round(r.width * 10) / 10,
          height: Math.round(r.height * 10) / 10,
        });
      }
    }
    return out;
  });
}

/** Elements that stick out of the window sideways (their test id or tag), and page scroll. */
export async function overflow(page: Page): Promise<{ scrolls: boolean; outside: string[] }> {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const outside: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-testid]'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (el.closest('.visually-hidden, [role="tooltip"]')) continue;
      if (r.right > w + 1 || r.left < -1) outside.push(el.getAttribute('data-testid') ?? '');
    }
    return { scrolls: document.documentElement.scrollWidth > w, outside };
  });
}

/** Top edge (page coordinates) of the first element matching `selector`; NaN if none. */
export async function topOf(page: Page, selector: string): Promise<number> {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    return el ? el.getBoundingClientRect().top + window.scrollY : NaN;
  }, selector);
}
