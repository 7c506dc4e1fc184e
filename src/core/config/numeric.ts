/** Knob values written as text: a leaf module (the spec parser and the mixers' knobs use it). */
const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * Whether a knob value written as text (a link, a spec, a knob field) is a plain decimal number,
 * e.g. "3", "-0.5", ".25", "1e-3"; surrounding spaces are allowed. Rejects "", "0x10", "1,5",
 * "Infinity" and "NaN", which Number() would turn into numbers or 0.
 */
export function isNumeric(text: string): boolean {
  return NUMERIC.test(text.trim());
}
