export { initBackend, backendInfo, onBackendReady, BACKEND_ENV_VAR, NATIVE_PACKAGES, type BackendInfo, type BackendName } from './select.js';
