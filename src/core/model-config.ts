/**
 * GPT configuration with validation. Ranges keep the model small enough to train in a browser
 * tab; each default has a one-line reason.
 */
import { z } from 'zod';
import { VOCAB_SIZE } from './tokenizer';

export const gptConfigSchema = z
  .object({
    /** Transformer blocks. 2 is the smallest depth where attention can compose (induction heads). */
    layers: z.number().int().min(1).max(6).default(2),
    /** Attention heads per block. */
    heads: z.number().int().min(1).max(8).default(4),
    /** Residual width C. 64 trains at interactive speed on integrated GPUs. */
    width: z.number().int().min(16).max(256).default(64),
    /** Context length T (tokens per example, task token included). */
    context: z.number().int().min(8).max(256).default(64),
    /** Dropout on attention weights and residual branches; 0 because pools are small but runs short. */
    dropout: z.number().min(0).max(0.5).default(0),
  })
  .refine((c) => c.width % c.heads === 0, {
    message: 'width must be divisible by heads',
    path: ['width'],
  });

export type GptConfig = z.infer<typeof gptConfigSchema>;

/** Parses and validates a (partial) config; throws a ZodError with readable messages. */
export function gptConfig(partial: Partial<GptConfig> = {}): GptConfig {
  return gptConfigSchema.parse(partial);
}

/**
 * Number of trainable parameters. Token embedding (tied with the output head) V·C, positions T·C;
 * per block: 2 LayerNorms 4C, attention C·3C + 3C + C·C + C, MLP C·4C + 4C + 4C·C + C;
 * final LayerNorm 2C.
 */
export function countParams(c: GptConfig, vocabSize = VOCAB_SIZE): number {
  const C = c.width;
  const block = 4 * C + (3 * C * C + 3 * C + C * C + C) + (8 * C * C + 5 * C);
  return vocabSize * C + c.context * C + c.layers * block + 2 * C;
}
