/**
 * Byte-level tokenizer: UTF-8 bytes 0..255 are tokens 0..255, so every language and task shares
 * one small vocabulary. Special tokens follow: PAD, then one task token per task slot. The
 * vocabulary size is fixed (MAX_TASKS slots), so adding or removing a task never changes the
 * model's shape.
 */
export const BYTE_TOKENS = 256;
export const PAD = 256;
export const MAX_TASKS = 16;
export const TASK_TOKEN_BASE = 257;
export const VOCAB_SIZE = TASK_TOKEN_BASE + MAX_TASKS; // 273

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export function encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes byte tokens; special tokens are dropped. Invalid UTF-8 becomes U+FFFD. */
export function decode(tokens: ArrayLike<number>): string {
  const bytes: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (tokens[i] < BYTE_TOKENS) bytes.push(tokens[i]);
  return decoder.decode(new Uint8Array(bytes));
}

/** The token that marks task slot `slot` (0-based) as a sequence prefix. */
export function taskToken(slot: number): number {
  if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_TASKS) {
    throw new RangeError(`task slot must be an integer in 0..${MAX_TASKS - 1}, got ${slot}`);
  }
  return TASK_TOKEN_BASE + slot;
}
