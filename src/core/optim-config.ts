/**
 * Optimizer settings and the learning-rate schedule: plain data and arithmetic, no tfjs, so the
 * page can validate a setup without loading TensorFlow.js (the update rules are in optim.ts).
 */
import { z } from 'zod';

export const optimizerConfigSchema = z.object({
  name: z.enum(['adam', 'adamw', 'sgd']).default('adam'),
  /** Peak learning rate η. 3e-3 suits a width-64 GPT with Adam at batch 32. */
  lr: z.number().positive().max(10).default(3e-3),
  /** Linear warmup steps W; protects Adam's early moment estimates. */
  warmupSteps: z.number().int().min(0).max(100_000).default(50),
  decay: z.enum(['none', 'cosine']).default('none'),
  /** Steps over which the cosine decay runs (ignored when decay is 'none'). */
  totalSteps: z.number().int().min(1).max(10_000_000).default(2000),
  /** Decoupled weight decay λ for AdamW. */
  weightDecay: z.number().min(0).max(1).default(0.01),
  /** Global-norm clip c; 0 disables clipping. */
  clipNorm: z.number().min(0).max(1e6).default(1),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  eps: z.number().positive().default(1e-8),
});

export type OptimizerConfig = z.infer<typeof optimizerConfigSchema>;

/** The scheduled learning rate at step t (0-based), as documented above. */
export function learningRateAt(cfg: OptimizerConfig, t: number): number {
  if (cfg.warmupSteps > 0 && t < cfg.warmupSteps) return (cfg.lr * (t + 1)) / cfg.warmupSteps;
  if (cfg.decay === 'none') return cfg.lr;
  const span = Math.max(1, cfg.totalSteps - cfg.warmupSteps);
  const p = Math.min(1, (t - cfg.warmupSteps) / span);
  return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * p)));
}
