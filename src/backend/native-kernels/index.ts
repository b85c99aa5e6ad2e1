export {
  NATIVE_KERNELS_ENV_VAR,
  installNativeKernels,
  nativeKernelsInstalled,
  nativeKernelsRequested,
  uninstallNativeKernels,
} from './install.js';
