/**
 * The algorithmic problems: how to draw one, how long it can get, how many distinct ones exist,
 * and which symbols its answers use. An example is `prompt + answer + "\n"`; the loss covers the
 * answer and the terminating "\n" (so the model learns to stop). All bytes are ASCII.
 *
 *   copy    "qbxa>qbxa\n"       reverse "qbxa>axbq\n"      sort "qbxa>abqx\n"
 *   add     "123+456=579\n"     (plain, most significant digit first; operands not zero-padded)
 *   modadd  "17+9=3\n"          (modulus 23: (17 + 9) mod 23)
 *   parity  "10110>1\n"         (1 when the count of 1s is odd)
 */
import type { KnobSpec, Rng } from '../types';

export type AlgorithmName = 'copy' | 'reverse' | 'sort' | 'add' | 'modadd' | 'parity';

/** Byte that ends every answer. */
export const TERMINATOR = '\n';

/** One drawn problem: the model sees `prompt`, and must produce `answer` then TERMINATOR. */
export interface Problem {
  prompt: string;
  answer: string;
}

export interface Algorithm {
  name: AlgorithmName;
  label: string;
  description: string;
  difficultySpecs: readonly KnobSpec[];
  /** Longest example (prompt + answer + terminator) in bytes at difficulty `d`. */
  maxBytes(d: Record<string, number>): number;
  /** Number of distinct prompts at difficulty `d` (may be astronomically large). */
  spaceSize(d: Record<string, number>): number;
  /** Symbols that can appear in an answer (the terminator excluded). */
  answerAlphabet(d: Record<string, number>): string;
  generate(rng: Rng, d: Record<string, number>): Problem;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

function knob(
  name: string,
  label: string,
  min: number,
  max: number,
  def: number,
  help: string,
): KnobSpec {
  return { name, label, min, max, step: 1, default: def, help };
}

const symbolsKnob = knob('symbols', 'Alphabet size', 2, 26, 26, 'letters used, from "a"');

function randomString(rng: Rng, alphabet: string, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[rng.int(alphabet.length)];
  return s;
}

/** copy / reverse / sort share their knobs and sizes; only the answer differs. */
function stringTask(
  name: 'copy' | 'reverse' | 'sort',
  label: string,
  description: string,
  defaultLength: number,
  answer: (s: string) => string,
): Algorithm {
  return {
    name,
    label,
    description,
    difficultySpecs: [
      knob('length', 'Length', 1, 64, defaultLength, 'characters in the input string'),
      symbolsKnob,
    ],
    maxBytes: (d) => 2 * d.length + 2,
    spaceSize: (d) => Math.pow(d.symbols, d.length),
    answerAlphabet: (d) => LETTERS.slice(0, d.symbols),
    generate(rng, d) {
      const s = randomString(rng, LETTERS.slice(0, d.symbols), d.length);
      return { prompt: `${s}>`, answer: answer(s) };
    },
  };
}

/** The six algorithmic problems, by name. */
export const ALGORITHMS: Readonly<Record<AlgorithmName, Algorithm>> = {
  copy: stringTask('copy', 'Copy', 'Repeat the string after ">".', 8, (s) => s),
  reverse: stringTask('reverse', 'Reverse', 'Write the string backwards.', 8, (s) =>
    [...s].reverse().join(''),
  ),
  sort: stringTask('sort', 'Sort', 'Sort the letters alphabetically.', 6, (s) =>
    [...s].sort().join(''),
  ),
  add: {
    name: 'add',
    label: 'Addition',
    description: 'Add two decimal numbers of up to n digits.',
    difficultySpecs: [knob('digits', 'Digits', 1, 15, 3, 'digits per operand (at most)')],
    // n + "+" + n + "=" + (n + 1) + "\n"
    maxBytes: (d) => 3 * d.digits + 4,
    spaceSize: (d) => Math.pow(10, 2 * d.digits),
    answerAlphabet: () => DIGITS,
    generate(rng, d) {
      const a = randomNumber(rng, d.digits);
      const b = randomNumber(rng, d.digits);
      return { prompt: `${a}+${b}=`, answer: String(a + b) };
    },
  },
  modadd: {
    name: 'modadd',
    label: 'Modular addition',
    description: 'Add two residues modulo p (the grokking task).',
    difficultySpecs: [
      knob('modulus', 'Modulus p', 2, 997, 23, 'operands and answer are in 0..p-1'),
    ],
    maxBytes: (d) => 3 * String(d.modulus - 1).length + 3,
    spaceSize: (d) => d.modulus * d.modulus,
    answerAlphabet: (d) => (d.modulus >= 10 ? DIGITS : DIGITS.slice(0, d.modulus)),
    generate(rng, d) {
      const a = rng.int(d.modulus);
      const b = rng.int(d.modulus);
      return { prompt: `${a}+${b}=`, answer: String((a + b) % d.modulus) };
    },
  },
  parity: {
    name: 'parity',
    label: 'Parity',
    description: 'Is the number of 1s in the bit string odd (1) or even (0)?',
    difficultySpecs: [knob('length', 'Length', 1, 64, 8, 'bits in the input string')],
    maxBytes: (d) => d.length + 3,
    spaceSize: (d) => Math.pow(2, d.length),
    answerAlphabet: () => '01',
    generate(rng, d) {
      const s = randomString(rng, '01', d.length);
      let ones = 0;
      for (const c of s) if (c === '1') ones++;
      return { prompt: `${s}>`, answer: String(ones % 2) };
    },
  },
};

/** A uniform integer in [0, 10^digits) (digits <= 15, so it is exact in a double). */
function randomNumber(rng: Rng, digits: number): number {
  // Build it from chunks of at most 6 digits so rng.int stays in its 32-bit range.
  let x = 0;
  for (let left = digits; left > 0; left -= 6) {
    const k = Math.min(6, left);
    x = x * Math.pow(10, k) + rng.int(Math.pow(10, k));
  }
  return x;
}

/** The names of the algorithmic problems, in catalogue order. */
export const ALGORITHM_NAMES = Object.keys(ALGORITHMS) as AlgorithmName[];

/** Type guard for an algorithm name. */
export function isAlgorithmName(name: string): name is AlgorithmName {
  return Object.prototype.hasOwnProperty.call(ALGORITHMS, name);
}
