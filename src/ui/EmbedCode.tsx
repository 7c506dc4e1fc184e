/**
 * "Embed": an <iframe> snippet of the current setup for a course page or a slide deck, with a
 * choice of panels and controls to leave out (?embed&hide=…, view-param.ts). The snippet is
 * built when the menu opens, from the setup then.
 */
import { useRef, useState } from 'react';
import { encodeHash } from '../store/url-hash';
import { embedSnippet, embedUrl, HIDEABLE, HIDE_NAMES, type HideName } from '../store/view-param';
import { LESSONS } from './lessons/lessons';
import { useApp, useAppStore } from './store-context';

/** A lesson needs its charts and the run controls; these are what an embed usually leaves out. */
const SUGGESTED: readonly HideName[] = ['tasks', 'mixer', 'model', 'howto', 'compare', 'samples'];

export function EmbedCode() {
  const store = useAppStore();
  const preset = useApp((s) => s.preset);
  const menu = useRef<HTMLDetailsElement>(null);
  const text = useRef<HTMLTextAreaElement>(null);
  const [hide, setHide] = useState<readonly HideName[]>(SUGGESTED);
  const [hash, setHash] = useState('');
  const [note, setNote] = useState<string | null>(null);
  // The panel exists only while open: a closed <details> still lays its content out in Chromium.
  const [open, setOpen] = useState(false);
  const base = `${window.location.origin}${window.location.pathname}`;
  const src = embedUrl(base, hash, hide);
  const snippet = embedSnippet(src, `PiKE Playground: ${LESSONS[preset].title}`);
  const onToggle = () => {
    setOpen(menu.current?.open ?? false);
    if (!menu.current?.open) return;
    const s = store.getState();
    setHash(encodeHash(s.config, s.preset));
    setNote(null);
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(snippet);
      setNote('Copied.');
    } catch {
      // No clipboard (an insecure page, a refused permission): leave it selected to copy by hand.
      text.current?.select();
      setNote('The browser did not allow copying: the code is selected, press Ctrl+C (⌘C).');
    }
  };
  const close = () => {
    if (menu.current) menu.current.open = false;
  };
  const flip = (name: HideName, on: boolean) =>
    setHide((h) => HIDE_NAMES.filter((n) => (n === name ? on : h.includes(n))));
  return (
    <details
      className="embed-menu"
      ref={menu}
      onToggle={onToggle}
      onKeyDown={(e) => e.key === 'Escape' && close()}
      data-testid="embed-menu"
    >
      <summary className="btn small ghost" title="An <iframe> of this setup for a course page">
        Embed
      </summary>
      {open && (
        <div className="embed-panel" role="group" aria-label="Embed this setup">
          <p className="embed-lead">
            Put this setup in a course page or a slide: paste the code where HTML is allowed. It
            trains in the reader’s browser.
          </p>
          <fieldset>
            <legend>Leave out</legend>
            {HIDE_NAMES.map((n) => (
              <label key={n} title={HIDEABLE[n]}>
                <input
                  type="checkbox"
                  checked={hide.includes(n)}
                  onChange={(e) => flip(n, e.target.checked)}
                  data-testid={`embed-hide-${n}`}
                />
                {n}
              </label>
            ))}
          </fieldset>
          <textarea
            ref={text}
            readOnly
            value={snippet}
            rows={4}
            data-testid="embed-code"
            aria-label="Embed code"
            onFocus={(e) => e.currentTarget.select()}
          />
          <div className="embed-actions">
            <button
              type="button"
              className="btn small primary"
              data-testid="embed-copy"
              onClick={() => void copy()}
            >
              Copy embed code
            </button>
            <a href={src} target="_blank" rel="noopener">
              Preview
            </a>
            <button
              type="button"
              className="btn small ghost embed-close"
              data-testid="embed-close"
              onClick={close}
            >
              Close
            </button>
            {note && (
              <span className="embed-note" role="status" data-testid="embed-note">
                {note}
              </span>
            )}
          </div>
        </div>
      )}
    </details>
  );
}
