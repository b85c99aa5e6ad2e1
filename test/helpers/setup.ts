// Runs in every test worker before its tests: picks the backend as the package does.
import { initBackend } from '../../src/backend/index.js';

await initBackend();
