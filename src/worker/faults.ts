/**
 * The fault hook: `?fault=KIND@STEP` on the page makes its first worker fail once, on purpose,
 * so every recovery path runs in the real page (test/e2e/faults.e2e.ts) and a teacher can show
 * what the page does when a GPU goes away. Without the parameter nothing here does anything.
 *
 * - `device-lost`: at step N the WebGPU device is really destroyed (`GPUDevice.destroy()`), so
 *   its `lost` promise resolves as when a driver resets; on another backend (no device to lose)
 *   the same handler runs with the reason "simulated".
 * - `crash`: at step N the worker throws from its event loop (an uncaught exception), as a bug
 *   would; the page sees the Worker's `error` event.
 * - `nan`: at step N every weight becomes NaN, so the next loss readback finds the divergence.
 * - `build-fail`: the first build once the run has reached step N throws an allocation error,
 *   as tfjs does when a backend cannot allocate a model (0: the very first build).
 *
 * A fault fires once per worker; the page sends it only to its first worker, so a restart is
 * clean.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FaultSpec } from '../core/protocol';

/** The parts of tfjs's WebGPU backend the hook touches (not exported with types). */
interface WebGpuDeviceHolder {
  device?: { destroy?: () => void };
}

/** What a step fault did: the worker stops stepping after `stop`. */
export type StepFault = 'none' | 'stop';

/** The worker's own handlers a step fault goes through. */
export interface FaultHooks {
  /** The worker's handler of a lost device (run directly where there is none to destroy). */
  onDeviceLost(reason: string): void;
  /** Resolves when the device is lost (after the handler above has run). */
  lost(): Promise<string>;
  /** Stops training for good, before the crash's uncaught throw. */
  onCrash(): void;
}

export class FaultInjector {
  private fired = false;

  constructor(
    private readonly spec: FaultSpec | null,
    private readonly hooks?: FaultHooks,
  ) {}

  private due(kind: FaultSpec['kind'], step: number): boolean {
    if (this.fired || !this.spec || this.spec.kind !== kind || step < this.spec.step) return false;
    this.fired = true;
    return true;
  }

  private get label(): string {
    return `injected by ?fault=${this.spec?.kind}@${this.spec?.step}`;
  }

  /** Before a build: throws the allocation error of `build-fail` when it is due. */
  beforeBuild(step: number): void {
    if (this.due('build-fail', step)) {
      throw new RangeError(`Array buffer allocation failed (${this.label})`);
    }
  }

  /** After the round that reached `step`: performs a step fault when it is due. */
  async afterStep(step: number): Promise<StepFault> {
    if (!this.hooks) return 'none';
    const { onDeviceLost, lost, onCrash } = this.hooks;
    if (this.due('nan', step)) {
      tf.tidy(() => {
        for (const v of Object.values(tf.engine().registeredVariables)) {
          if (v.dtype === 'float32') v.assign(tf.mul(v, NaN));
        }
      });
      return 'none';
    }
    if (this.due('device-lost', step)) {
      const device = (tf.backend() as unknown as WebGpuDeviceHolder).device;
      if (tf.getBackend() === 'webgpu' && device?.destroy) {
        device.destroy();
        await lost(); // the worker's own listener has run by now
      } else {
        onDeviceLost(`simulated on ${tf.getBackend()}: it has no GPU device to destroy`);
      }
      return 'stop';
    }
    if (this.due('crash', step)) {
      onCrash();
      setTimeout(() => {
        throw new Error(`at step ${step}, ${this.label}`);
      }, 0);
      return 'stop';
    }
    return 'none';
  }
}
