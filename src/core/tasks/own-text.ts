/**
 * The user's own text as a language task ("text:<hash>"): a pasted text or a dropped .txt file,
 * modelled byte by byte like a UDHR declaration (same window pool, validation windows and knobs).
 *
 * The spec holds only the text's hash (the first 12 hex digits of the SHA-256 of its UTF-8 bytes),
 * never the text: the page keeps the text in the browser (IndexedDB) and the worker's corpus
 * loader hands it over through `CorpusLoader.text(hash)`. A link to a setup with an own text
 * therefore works only in the browser that holds the text; elsewhere the task fails to build with
 * unknownTextMessage(hash).
 *
 * Split: the last 10% of the bytes are held out. The cut is moved to the nearest line start when
 * one lies within 2.5% of the text's length of the 90% point (held-out part 7.5%..12.5%), else to
 * the start of the UTF-8 character at the 90% point.
 */
import { encode } from '../tokenizer';
import type { CorpusLoader } from './corpus';
import type { TaskData } from './examples';
import { buildWindowData, charStart, TRAIN_FRACTION, type WindowDataOptions } from './language';

/**
 * Largest text a task takes, in UTF-8 bytes (2 MiB). More text than this would mostly go unused:
 * the pool is a finite sample of windows (default 2,000 windows, 64-256 KB at context 32-128; at
 * most MAX_POOL_SIZE = 100,000 windows), so even 2 MiB is only partly seen by default. The limit
 * bounds what the page stores per text in IndexedDB and what the worker holds while it builds the
 * task (the string, its bytes: about 3x the size), and still admits a novel or the classic
 * "tiny Shakespeare" (1.1 MB).
 */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;

/**
 * Smallest text a task takes, in UTF-8 bytes (4 KiB, about two pages). Its held-out part (at
 * least 7.5%, about 300 bytes) still holds one full window at the largest context the model allows
 * (256 bytes), and its training part (about 3.7 KB) has more distinct window starts than the
 * default pool has windows at the default context, so a default pool is not all repeats.
 */
export const MIN_TEXT_BYTES = 4 * 1024;

/** How far (a fraction of the text's length) the cut may move from 90% to reach a line start. */
export const LINE_CUT_SLACK = 0.025;

const HASH_RE = /^[0-9a-f]{12}$/;
const SPEC_RE = /^text:[0-9a-f]{12}$/;

/** The spec prefix of an own text. */
export const OWN_TEXT_PREFIX = 'text:';

/** Whether `hash` is 12 lowercase hex digits (what textHash returns). */
export function isOwnTextHash(hash: string): boolean {
  return HASH_RE.test(hash);
}

/** Whether `spec` (surrounding spaces allowed, no knobs) is a well-formed "text:<hash>". */
export function isOwnTextSpec(spec: string): boolean {
  return SPEC_RE.test(spec.trim());
}

/** "text:<hash>"; throws for a hash that is not 12 lowercase hex digits. */
export function ownTextSpec(hash: string): string {
  if (!isOwnTextHash(hash)) {
    throw new Error(`"${hash}" is not a text hash (12 lowercase hex digits, from textHash)`);
  }
  return `${OWN_TEXT_PREFIX}${hash}`;
}

/** The task's label: only what the spec holds (the text itself stays in the browser). */
export function ownTextLabel(hash: string): string {
  return `Your text ${hash}`;
}

/** Why a text:<hash> task cannot be built where its text is not stored. */
export function unknownTextMessage(hash: string): string {
  return (
    `This setup uses your own text ${hash} (task text:${hash}), which is stored only in the ` +
    'browser where it was added; add the text again (Tasks → Add your own text).'
  );
}

/**
 * An integer with comma thousands separators ("2,097,152"), as toLocaleString('en-US') writes
 * it, without Intl: the first Intl number format of a page cost 54 ms of its first render (the
 * own-text form's placeholder formats two sizes), measured with Chromium's CPU profiler.
 */
export function thousands(n: number): string {
  const s = String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${s}` : s;
}

/**
 * `n` bytes for a message: "812 bytes", "3.9 KiB (4,095 bytes)", "2 MiB (2,097,152 bytes)". The
 * unit figure is rounded down, so a size just under a limit never reads as the limit.
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const [v, unit] = n < 1024 * 1024 ? [n / 1024, 'KiB'] : [n / 1024 / 1024, 'MiB'];
  return `${Math.floor(v * 10) / 10} ${unit} (${thousands(n)} bytes)`;
}

/** The result of validateOwnText. */
export type OwnTextCheck = { ok: true; text: string } | { ok: false; message: string };

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Checks a file or pasted text and normalises it: at most MAX_TEXT_BYTES as given, valid UTF-8
 * (not UTF-16, no NUL bytes: signs of a binary file), a leading byte order mark dropped, CRLF and
 * lone CR turned into LF, and at least MIN_TEXT_BYTES after that. Offsets in messages are byte
 * offsets into `bytes`. The text it returns is what textHash hashes and the task trains on.
 */
export function validateOwnText(bytes: Uint8Array): OwnTextCheck {
  const fail = (message: string): OwnTextCheck => ({ ok: false, message });
  if (bytes.length > MAX_TEXT_BYTES) {
    return fail(
      `Your text is ${formatBytes(bytes.length)}; a task takes at most ` +
        `${formatBytes(MAX_TEXT_BYTES)} of text. Use a shorter part of it.`,
    );
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return fail('This file is UTF-16 text (Windows “Unicode”); save it as UTF-8 and add it again.');
  }
  let text: string;
  try {
    text = fatalDecoder.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const shown = Array.from(bytes.subarray(at, at + 4), hex).join(' ');
    return fail(
      `This is not UTF-8 text: the bytes at offset ${thousands(at)} (${shown}) are ` +
        'not a valid UTF-8 character. Save the file as UTF-8 (or paste the text) and try again.',
    );
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return fail(
      `This text has a NUL byte at offset ${thousands(nul)}: it looks like a binary ` +
        'file or UTF-16 text. Save it as UTF-8 text and add it again.',
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, '\n');
  const size = encode(text).length;
  if (size < MIN_TEXT_BYTES) {
    return fail(
      `Your text is ${formatBytes(size)}; a task needs at least ${formatBytes(MIN_TEXT_BYTES)} ` +
        '(about two pages), enough to train on and to hold a part out for validation.',
    );
  }
  return { ok: true, text };
}

const hex = (b: number) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Offset of the first byte of the first ill-formed UTF-8 sequence (the Unicode standard's table of
 * well-formed sequences: no overlongs, no surrogates, nothing above U+10FFFF), or bytes.length
 * when all are well formed. Only run after TextDecoder has refused, so its cost is paid once.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // [sequence length, allowed range of the second byte]
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + len > n) return i;
    if (bytes[i + 1] < lo || bytes[i + 1] > hi) return i;
    for (let k = 2; k < len; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += len;
  }
  return n;
}

/**
 * The first 12 hex digits (48 bits) of the SHA-256 of the text's UTF-8 bytes: the text's name in
 * specs, links and storage. Uses Web Crypto (browsers, workers, Node 20), which a browser offers
 * only in a secure context (https or localhost).
 */
export async function textHash(text: string): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error('hashing a text needs Web Crypto (crypto.subtle): open the page over https');
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Splits the text's bytes into train and held-out parts (see the file header): held out is the
 * last 10%, cut at the line start nearest the 90% point within LINE_CUT_SLACK, else at the start
 * of the character there. Both parts are views of `bytes`.
 */
export function splitOwnText(bytes: Uint8Array): { train: Uint8Array; heldOut: Uint8Array } {
  const n = bytes.length;
  const target = Math.floor(n * TRAIN_FRACTION);
  const slack = Math.floor(n * LINE_CUT_SLACK);
  let cut = -1;
  // A line start c is a cut with bytes[c - 1] = '\n'; the nearest one wins, the earlier on a tie.
  for (let d = 0; d <= slack && cut < 0; d++) {
    for (const c of [target - d, target + d]) {
      if (c > 0 && c < n && bytes[c - 1] === 0x0a) {
        cut = c;
        break;
      }
    }
  }
  if (cut < 0) cut = charStart(bytes, target);
  return { train: bytes.subarray(0, cut), heldOut: bytes.subarray(cut) };
}

/** The task data of a validated own text (see splitOwnText and language.ts's buildWindowData). */
export function buildOwnTextData(text: string, hash: string, opts: WindowDataOptions): TaskData {
  const { train, heldOut } = splitOwnText(encode(text));
  return buildWindowData(train, heldOut, ownTextLabel(hash), opts);
}

/**
 * The text of text:<hash> from the corpus loader, checked again (validateOwnText) and against its
 * hash, so a stale or altered stored copy fails with a clear message rather than training on
 * something else. Rejects with unknownTextMessage(hash) when the loader has no texts.
 */
export async function loadOwnText(corpus: CorpusLoader | undefined, hash: string): Promise<string> {
  if (!corpus?.text) throw new Error(unknownTextMessage(hash));
  const raw = await corpus.text(hash);
  const checked = validateOwnText(encode(raw));
  if (!checked.ok) throw new Error(`text:${hash}: ${checked.message}`);
  const actual = await textHash(checked.text);
  if (actual !== hash) {
    throw new Error(
      `text:${hash}: the stored text has hash ${actual}, not ${hash}; add the text again ` +
        '(Tasks → Add your own text).',
    );
  }
  return checked.text;
}

/**
 * Texts held in memory (tests; a cache): `add` validates and normalises a text like
 * validateOwnText and returns its hash; `text` is a CorpusLoader's `text` method.
 */
export function createMemoryTextSource(): {
  add(text: string): Promise<string>;
  text(hash: string): Promise<string>;
} {
  const texts = new Map<string, string>();
  return {
    async add(text) {
      const checked = validateOwnText(encode(text));
      if (!checked.ok) throw new Error(checked.message);
      const hash = await textHash(checked.text);
      texts.set(hash, checked.text);
      return hash;
    },
    async text(hash) {
      const t = texts.get(hash);
      if (t === undefined) throw new Error(unknownTextMessage(hash));
      return t;
    },
  };
}
