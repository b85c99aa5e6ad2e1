/**
 * Faster pure-JS kernels for tfjs's `cpu` backend: convolutions (2D, 3D, both gradients, fused) as
 * im2col + a cache-blocked float32 matmul, and `BatchMatMul`/`_FusedMatMul` on the same matmul.
 * `initBackend` installs them on the cpu backend unless `TFJS_BNN_FAST_CPU_KERNELS=0`.
 */
export {
  installFastCpuKernels,
  uninstallFastCpuKernels,
  fastCpuKernelsInstalled,
  fastCpuKernelsRequested,
  originalCpuKernel,
  withOriginalCpuKernels,
  FAST_CPU_KERNEL_NAMES,
  FAST_CPU_KERNELS_ENV_VAR,
} from './install.js';
export {
  gemm,
  rowMajor,
  transposedRowMajor,
  type StridedMatrix,
  GEMM_BLOCK_K,
  GEMM_BLOCK_M,
  GEMM_BLOCK_N,
  GEMM_TILE_COLS,
  GEMM_TILE_ROWS,
} from './gemm.js';
export { CONV_CHUNK_ELEMENTS } from './conv.js';
