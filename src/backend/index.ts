export {
  initBackend,
  backendInfo,
  installedNativePackages,
  onBackendReady,
  BACKEND_ENV_VAR,
  NATIVE_PACKAGES,
  type BackendInfo,
  type BackendName,
} from './select.js';
export { loadWasmBackend, wasmBackendInfo, type WasmBackendInfo, type WasmPaths } from './wasm-backend.js';
export {
  installFastCpuKernels,
  uninstallFastCpuKernels,
  fastCpuKernelsInstalled,
  fastCpuKernelsRequested,
  withOriginalCpuKernels,
  FAST_CPU_KERNEL_NAMES,
  FAST_CPU_KERNELS_ENV_VAR,
} from './cpu-kernels/index.js';
export {
  installNativeKernels,
  uninstallNativeKernels,
  nativeKernelsInstalled,
  nativeKernelsRequested,
  NATIVE_KERNELS_ENV_VAR,
} from './native-kernels/index.js';
export { quietNativeLogs, NATIVE_LOG_LEVEL_ENV_VAR, DEFAULT_NATIVE_LOG_LEVEL } from './native-logging.js';
