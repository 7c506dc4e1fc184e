/**
 * The link and the page never disagree: a link pasted into the address bar that differs only
 * after `#` (a same-document navigation), Back and Forward all go through the first load's
 * validation. A model that has trained is replaced only after the user says yes; a "no", or an
 * invalid link, keeps the setup and puts its link back.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, openSession, TINY, waitForBackend, waitForStep, type Session } from './page';

let s: Session;
beforeAll(async () => {
  s = await openSession(4187);
});
afterAll(() => s?.close());

const mixer = (page: Page) => page.getByTestId('mixer-select').inputValue();
const hashOf = (page: Page) => new URL(page.url()).hash;
const withMixer = (name: string) => TINY.replace('mixer=mix', `mixer=${name}`);

describe('a link that changes while the page is open', () => {
  it('paste, Back and Forward load the link’s setup; a trained model asks first; a bad link changes nothing', async () => {
    const { page, errors } = await openPage(s, `/?backend=wasm#${TINY}`);
    const dialogs: string[] = [];
    await waitForBackend(page, 'wasm');
    expect(await mixer(page)).toBe('mix');

    // Paste a link with another mixer: nothing trained yet, so it loads without a question.
    await page.goto(`${s.url}/?backend=wasm#${withMixer('pike')}`);
    await expect.poll(() => mixer(page)).toBe('pike');
    await expect.poll(() => hashOf(page)).toContain('mixer=pike');

    // Back and Forward walk the two links, and the page follows each.
    await page.goBack();
    await expect.poll(() => mixer(page)).toBe('mix');
    expect(hashOf(page)).toContain('mixer=mix');
    await page.goForward();
    await expect.poll(() => mixer(page)).toBe('pike');

    // Training: a new link asks. "No" keeps the model training and restores the link.
    await page.getByTestId('train-button').click();
    const at = await waitForStep(page, 3);
    page.once('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${s.url}/?backend=wasm#${withMixer('balanced-pike')}`);
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toMatch(/Replace the current model/);
    await expect.poll(() => hashOf(page)).toContain('mixer=pike&');
    expect(await mixer(page)).toBe('pike');
    await waitForStep(page, at + 3); // still training

    // "Yes" replaces it: a new model from step 0 with the link's mixer.
    page.once('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await page.goto(`${s.url}/?backend=wasm#${withMixer('balanced-pike')}`);
    await expect.poll(() => mixer(page)).toBe('balanced-pike');
    await expect.poll(() => page.getByTestId('reset-note').textContent()).toMatch(/link changed/);
    expect(dialogs.length).toBe(2);
    expect(hashOf(page)).toContain('mixer=balanced-pike');

    // An invalid link: the banner names the key, the setup and its link stay.
    await expect.poll(() => hashOf(page)).toContain('&tasks='); // the setup's own (full) link
    const before = hashOf(page);
    await page.goto(`${s.url}/?backend=wasm#${withMixer('balanced-pike')}&lr=fast`);
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-kind')).toBe('link');
    expect(await banner.textContent()).toMatch(/lr: "fast" is not a number/);
    await expect.poll(() => hashOf(page)).toBe(before);
    expect(await mixer(page)).toBe('balanced-pike');
    expect(dialogs.length).toBe(2);
    expect(errors).toEqual([]);
  });
});
