/**
 * The page's side of the backend choice: ?backend=NAME, the fallback after a failure, and the
 * measured choice remembered per browser in localStorage. The worker cannot reach localStorage,
 * so the page reads the stored choice and passes it with the first `configure`, and stores what
 * the worker's `ready` reports as measured. A stored choice holds a fingerprint of the browser
 * (user agent, cores, cross-origin isolation): a browser update or a page served without the
 * isolation headers measures again.
 */
import { z } from 'zod';
import {
  BACKEND_CHAIN,
  type BackendInfo,
  type BackendName,
  type RememberedBackend,
} from '../core/protocol';

/** The localStorage key; bump the version when the measurement changes meaning. */
export const BACKEND_STORAGE_KEY = 'pike-playground.backend.v1';

/** The backend to retry on after a failure of `current`: wasm for GPU backends, then cpu. */
export function fallbackBackend(current: BackendName | undefined): BackendName | undefined {
  if (current === 'wasm') return 'cpu';
  if (current === 'cpu') return undefined;
  return 'wasm';
}

/**
 * Reads ?backend=NAME (an invalid name is reported and ignored) and ?measure=all (measure the
 * software adapters too rather than skipping them: to compare them, never remembered).
 */
export function parseBackendParam(search: string): {
  backend?: BackendName;
  includeSoftware?: boolean;
  error?: string;
} {
  const params = new URLSearchParams(search);
  const includeSoftware = params.get('measure') === 'all' ? { includeSoftware: true } : {};
  const raw = params.get('backend');
  if (raw === null || raw === '') return includeSoftware;
  if ((BACKEND_CHAIN as readonly string[]).includes(raw)) return { backend: raw as BackendName };
  return {
    ...includeSoftware,
    error: `?backend=${raw} is not a backend (use ${BACKEND_CHAIN.join(', ')}); choosing one automatically.`,
  };
}

/** The part of Web Storage we use (tests pass a Map-backed fake). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Where the page remembers its measured backend. */
export interface BackendMemory {
  /** The stored choice if it was measured in this same browser, else null. */
  load(): RememberedBackend | null;
  /** Stores a choice the worker measured now (anything else, or ?measure=all, is ignored). */
  save(info: BackendInfo): void;
  clear(): void;
}

const name = z.enum(BACKEND_CHAIN as [BackendName, ...BackendName[]]);
const recordSchema = z.object({
  fingerprint: z.string(),
  name,
  candidates: z.array(
    z.object({
      name,
      tokensPerSec: z.number().positive().optional(),
      note: z.string().optional(),
    }),
  ),
  measuredAt: z.string(),
});

/** What identifies "this browser" for a stored measurement. */
export function browserFingerprint(env: {
  userAgent?: string;
  cores?: number;
  isolated?: boolean;
}): string {
  const isolation = env.isolated ? 'cross-origin isolated' : 'not isolated';
  return `${env.userAgent ?? 'unknown browser'} | ${env.cores ?? '?'} cores | ${isolation}`;
}

/**
 * A BackendMemory over `storage` (null: remembers nothing). Storage can throw (disabled
 * cookies, a full quota, private modes): then the page simply measures again next time.
 */
export function createBackendMemory(
  storage: StorageLike | null,
  fingerprint: string,
): BackendMemory {
  return {
    load() {
      try {
        const raw = storage?.getItem(BACKEND_STORAGE_KEY);
        if (!raw) return null;
        const r = recordSchema.safeParse(JSON.parse(raw));
        if (!r.success || r.data.fingerprint !== fingerprint) return null;
        return { name: r.data.name, candidates: r.data.candidates, measuredAt: r.data.measuredAt };
      } catch {
        return null;
      }
    },
    save(info) {
      if (info.choice !== 'measured' || info.includedSoftware) return;
      const record: z.infer<typeof recordSchema> = {
        fingerprint,
        name: info.name,
        candidates: info.candidates,
        measuredAt: info.measuredAt ?? new Date().toISOString(),
      };
      try {
        storage?.setItem(BACKEND_STORAGE_KEY, JSON.stringify(record));
      } catch {
        // Not remembered: the next visit measures again.
      }
    },
    clear() {
      try {
        storage?.removeItem(BACKEND_STORAGE_KEY);
      } catch {
        // Nothing stored, or storage is off: nothing to clear.
      }
    },
  };
}

/** The browser's localStorage and fingerprint; a memory of nothing where there is none (Node). */
export function browserBackendMemory(): BackendMemory {
  let storage: StorageLike | null;
  try {
    storage = globalThis.localStorage ?? null;
  } catch {
    storage = null; // reading localStorage itself throws when storage is blocked
  }
  const nav = globalThis.navigator;
  return createBackendMemory(
    storage,
    browserFingerprint({
      userAgent: nav?.userAgent,
      cores: nav?.hardwareConcurrency,
      isolated: globalThis.crossOriginIsolated,
    }),
  );
}
