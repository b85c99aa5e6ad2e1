/**
 * `tfjs-bnn info`: the backend in use and why, versions, whether a native backend is installed
 * and how to install one.
 */
import { backendInfo, initBackend, installedNativePackages, NATIVE_PACKAGES, type BackendInfo } from '../../src/backend/index.js';
import type { CommandOutput } from '../output.js';
import { packageVersion } from '../package-info.js';

/** How to get the native backend, online and offline. */
const NATIVE_INSTALL_HINTS = {
  online: 'npm install @tensorflow/tfjs-node',
  offline: 'npm run native:install',
} as const;

/** The JSON object `info --json` prints. Plain data. */
interface InfoResult {
  readonly package: { readonly name: string; readonly version: string };
  readonly node: string;
  readonly platform: string;
  readonly backend: BackendInfo;
  /** A native package is loaded and in use. */
  readonly nativeInstalled: boolean;
  /** Native packages present in node_modules (loaded or not). */
  readonly nativePackagesPresent: readonly string[];
  readonly nativePackagesTried: readonly string[];
  readonly install: typeof NATIVE_INSTALL_HINTS;
}

/** Gathers the information (initialises the backend if nothing did yet). */
async function collectInfo(): Promise<InfoResult> {
  const backend = backendInfo() ?? (await initBackend());
  return {
    package: packageVersion(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    backend,
    nativeInstalled: backend.nativePackage !== null,
    nativePackagesPresent: installedNativePackages(),
    nativePackagesTried: [...NATIVE_PACKAGES],
    install: NATIVE_INSTALL_HINTS,
  };
}

/** The lines `info` prints without `--json`. */
function formatInfo(info: InfoResult): string[] {
  const lines = [
    `${info.package.name} ${info.package.version} on Node ${info.node} (${info.platform})`,
    `backend: ${info.backend.name} (${info.backend.reason})`,
    `versions: ${Object.entries(info.backend.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ];
  if (info.backend.name === 'cpu') {
    lines.push(
      `fast cpu kernels: ${info.backend.fastCpuKernels ? 'on (conv 2D/3D and matmul; TFJS_BNN_FAST_CPU_KERNELS=0 turns them off)' : 'off'}`,
    );
  }
  if (info.backend.name === 'tensorflow') {
    lines.push(
      `native fast paths: ${info.backend.nativeKernels ? 'on (lean Step, one-op relu gradient, tiled 3D max pooling; TFJS_BNN_NATIVE_KERNELS=0 turns them off)' : 'off'}`,
    );
  }
  if (info.backend.wasm !== null) {
    lines.push(`wasm binary: ${info.backend.wasm.binary} (${info.backend.wasm.reason})`);
  } else if (info.backend.wasmError !== null) {
    lines.push(`wasm backend: not used (${info.backend.wasmError})`);
  }
  if (info.nativeInstalled) {
    lines.push(`native backend: installed and in use (${info.backend.nativePackage})`);
  } else if (info.nativePackagesPresent.length > 0 && Object.keys(info.backend.nativeErrors).length === 0) {
    lines.push(`native backend: installed (${info.nativePackagesPresent.join(', ')}) but not in use (${info.backend.reason})`);
  } else {
    lines.push(
      `native backend: not installed; the ${info.backend.name === 'wasm' ? 'wasm' : 'pure-JS cpu'} backend is slower for matmul and conv (see docs/performance.md).`,
    );
    for (const [pkg, reason] of Object.entries(info.backend.nativeErrors)) lines.push(`  ${pkg}: ${reason}`);
    lines.push(`  install with internet access: ${info.install.online}`);
    lines.push(`  install offline (from the TensorFlow wheel on PyPI): ${info.install.offline}`);
  }
  return lines;
}

/** Runs `info`. */
export async function runInfo(output: CommandOutput): Promise<void> {
  const info = await collectInfo();
  output.result(info, () => formatInfo(info));
}
