/**
 * Looks at the GPU backends before any is started: the WebGPU adapter and the WebGL renderer
 * the browser offers, and whether either is a *software* one (SwiftShader, llvmpipe, WARP),
 * which trains several times slower than wasm on the same CPU and is skipped unless forced
 * (README, "Browser support and backend choice"). The two classifiers are pure functions of the strings the browser reports.
 */

/** The GPUAdapterInfo fields we read (all optional: browsers give more or less). */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** What a look at one GPU backend found: a description, and a reason to skip it if any. */
export interface Inspection {
  /** Adapter or renderer, e.g. "nvidia ampere" or "ANGLE (Intel, Mesa Intel(R) UHD …)". */
  description?: string;
  /** Why it is not a candidate, e.g. "no WebGPU adapter" or "software adapter (SwiftShader)". */
  skip?: string;
  /** The skip is only because it is a software implementation: a forced run may still use it. */
  software?: boolean;
}

/** The adapter's words joined into one description ("google swiftshader"). */
export function describeAdapter(info: AdapterInfoLike): string {
  const parts = [info.vendor, info.architecture, info.device, info.description]
    .map((p) => (p ?? '').trim())
    .filter((p, i, all) => p && all.indexOf(p) === i);
  return parts.length ? parts.join(' ') : 'WebGPU adapter (no description given)';
}

/**
 * Why a WebGPU adapter is a software one, or undefined for a hardware adapter. Signs: the
 * browser flags it as a fallback adapter (`isFallbackAdapter`, on the adapter in older
 * Chromium, in `adapter.info` since 2024), or its info names SwiftShader: architecture
 * "swiftshader", vendor "google" (Chromium's own CPU Vulkan; real adapters name the GPU's
 * maker), or a description containing "SwiftShader".
 */
export function softwareWebGpuReason(
  info: AdapterInfoLike,
  adapterIsFallback?: boolean,
): string | undefined {
  const arch = (info.architecture ?? '').toLowerCase();
  const vendor = (info.vendor ?? '').toLowerCase();
  const text = `${info.description ?? ''} ${info.device ?? ''}`;
  const what = `software WebGPU adapter (${describeAdapter(info)})`;
  if (adapterIsFallback || info.isFallbackAdapter) {
    return `${what}: the browser marks it as a fallback adapter, slower than wasm`;
  }
  if (arch === 'swiftshader' || vendor === 'google' || /swiftshader/i.test(text)) {
    return `${what}: SwiftShader runs on the CPU, slower than wasm`;
  }
  return undefined;
}

/**
 * Why a WebGL renderer string is a software one, or undefined: SwiftShader (Chromium's CPU
 * renderer, also behind ANGLE), llvmpipe/softpipe (Mesa), anything saying "Software", and
 * Windows' "Microsoft Basic Render Driver" (WARP).
 */
export function softwareWebGlReason(renderer: string): string | undefined {
  const m = renderer.match(/swiftshader|llvmpipe|softpipe|software|basic render driver/i);
  return m
    ? `software WebGL renderer (${renderer}): ${m[0]} runs on the CPU, slower than wasm`
    : undefined;
}

interface GpuAdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<AdapterInfoLike>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

/** How long a WebGPU adapter request may take before webgpu is skipped (ms). */
export const ADAPTER_TIMEOUT_MS = 5000;

/**
 * Requests a WebGPU adapter (as tfjs will: high performance) and classifies it. A request that
 * does not answer within ADAPTER_TIMEOUT_MS (a busy or stuck GPU process) skips webgpu rather
 * than leaving the page at "starting…".
 */
export async function inspectWebGpu(timeoutMs = ADAPTER_TIMEOUT_MS): Promise<Inspection> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { skip: 'this browser has no WebGPU (navigator.gpu is missing)' };
  let adapter: GpuAdapterLike | null | 'timeout';
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    adapter = await Promise.race([
      gpu.requestAdapter({ powerPreference: 'high-performance' }),
      new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
      ),
    ]);
  } catch (e) {
    return { skip: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
  if (adapter === 'timeout') {
    return { skip: `the WebGPU adapter request did not answer within ${timeoutMs / 1000} s` };
  }
  if (!adapter) return { skip: 'no WebGPU adapter is available' };
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => ({}))) ?? {};
  const description = describeAdapter(info);
  const soft = softwareWebGpuReason(info, adapter.isFallbackAdapter);
  return soft ? { description, skip: soft, software: true } : { description };
}

/**
 * Opens a throwaway WebGL context on an OffscreenCanvas (what tfjs's webgl backend uses in a
 * worker), reads the renderer — unmasked through WEBGL_debug_renderer_info where offered, else
 * RENDERER (recent Chromium puts the real renderer there) — and releases the context.
 */
export function inspectWebGl(): Inspection {
  if (typeof OffscreenCanvas === 'undefined') {
    return { skip: 'no OffscreenCanvas in this worker: the webgl backend cannot run here' };
  }
  const canvas = new OffscreenCanvas(1, 1);
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as
    WebGL2RenderingContext | WebGLRenderingContext | null;
  if (!gl) return { skip: 'no WebGL context could be created (WebGL disabled or blocklisted)' };
  try {
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(
      (ext && gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) || gl.getParameter(gl.RENDERER) || '',
    );
    const soft = softwareWebGlReason(renderer);
    const description = renderer || 'WebGL renderer (no description given)';
    return soft ? { description, skip: soft, software: true } : { description };
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
