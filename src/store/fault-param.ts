/**
 * Reads the fault hook's parameter, `?fault=KIND@STEP` (src/worker/faults.ts): KIND one of
 * device-lost, crash, nan, build-fail; STEP a whole number ≥ 0. A bad value is reported and
 * ignored (nothing is injected).
 */
import { FAULT_KINDS, type FaultKind, type FaultSpec } from '../core/protocol';

export function parseFaultParam(search: string): { fault?: FaultSpec; error?: string } {
  const raw = new URLSearchParams(search).get('fault');
  if (raw === null) return {};
  const m = /^([a-z-]+)@(\d{1,9})$/.exec(raw);
  if (!m || !(FAULT_KINDS as readonly string[]).includes(m[1])) {
    return {
      error:
        `?fault=${raw} is not a fault: use KIND@STEP with KIND one of ` +
        `${FAULT_KINDS.join(', ')} (e.g. ?fault=crash@20); nothing is injected.`,
    };
  }
  return { fault: { kind: m[1] as FaultKind, step: Number(m[2]) } };
}

/** The notice shown while a fault is armed, so nobody mistakes it for a real failure. */
export function faultNotice(f: FaultSpec): string {
  const when = f.kind === 'build-fail' ? `the first build from step ${f.step}` : `step ${f.step}`;
  return `Fault injection is on (?fault=${f.kind}@${f.step}): ${f.kind} at ${when}.`;
}
