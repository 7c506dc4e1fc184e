/**
 * Replacements for three tfjs-backend-wasm 4.22 kernels that copy far more than they must
 * (found with `npm run bench -- --profile`):
 * - Identity copies the tensor. tfjs clones every tensor it saves for the backward pass
 *   (Engine.saveTensorsForBackwardMode), so a training step made ~60 full copies. Tensors are
 *   immutable: the replacement shares the data and counts the reference, as the cpu backend does.
 * - Slice reads the whole input out of the wasm heap (backend.readSync copies it) before taking
 *   its part; SplitV calls that Slice once per output. Splitting the optimizer's flat [P] update
 *   into 28 parameters took 4.9 ms, splitting attention's q, k, v 1 ms. The replacement copies
 *   only the slice, row by row, from a view of the heap.
 * Installed once, when the engine first runs on wasm (the backend registers its own kernels when
 * it is imported, so an eager registration could be overwritten); `restoreWasmKernels` puts
 * tfjs's own back (reference mode).
 */
import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's BackendWasm the kernels use. */
interface WasmBackend {
  incRef(dataId: tf.DataId): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

let originals: tf.KernelConfig[] | null = null;

function own(name: string): tf.KernelConfig {
  return originals!.find((k) => k.kernelName === name)!;
}

function identity(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return own('Identity').kernelFunc(args as never) as tf.TensorInfo;
  (args.backend as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Copies x[begin : begin + size] into a new tensor, one innermost run at a time. */
function heapSlice(
  backend: WasmBackend,
  x: tf.TensorInfo,
  begin: number[],
  size: number[],
): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype); // first: it may grow (and move) the heap
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const strides = tf.util.computeStrides(x.shape);
  const n = tf.util.sizeFromShape(size);
  if (n === 0) return out;
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const off = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(off, off + n));
    return out;
  }
  const run = size[rank - 1];
  const idx = new Array<number>(rank - 1).fill(0); // position among the outer dimensions
  for (let o = 0; o < n; o += run) {
    let off = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) off += (begin[d] + idx[d]) * strides[d];
    dst.set(src.subarray(off, off + run), o);
    for (let d = rank - 2; d >= 0 && ++idx[d] === size[d]; d--) idx[d] = 0;
  }
  return out;
}

function slice(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return own('Slice').kernelFunc(args as never) as tf.TensorInfo;
  const { begin, size } = args.attrs as { begin: number[]; size: number[] };
  const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  return heapSlice(args.backend as WasmBackend, x, b, s);
}

function splitV(args: KernelArgs): tf.TensorInfo[] {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return own('SplitV').kernelFunc(args as never) as tf.TensorInfo[];
  const { numOrSizeSplits, axis } = args.attrs as {
    numOrSizeSplits: number | number[];
    axis: number;
  };
  const ax = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[ax] = s;
    const part = heapSlice(args.backend as WasmBackend, x, begin.slice(), size);
    begin[ax] += s;
    return part;
  });
}

const REPLACEMENTS: Record<string, (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]> = {
  Identity: identity,
  Slice: slice,
  SplitV: splitV,
};

/** Installs the replacements if the wasm backend's kernels are registered; idempotent. */
export function installWasmKernels(): void {
  if (originals) return;
  const found = Object.keys(REPLACEMENTS).map((name) => tf.getKernel(name, 'wasm'));
  if (found.some((k) => !k)) return;
  originals = found as tf.KernelConfig[];
  for (const [name, kernelFunc] of Object.entries(REPLACEMENTS)) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: kernelFunc as tf.KernelFunc,
    });
  }
}

/** Puts tfjs's own wasm kernels back. */
export function restoreWasmKernels(): void {
  if (!originals) return;
  for (const k of originals) {
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
  originals = null;
}
