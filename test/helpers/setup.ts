// Runs in every test worker before its tests: loads the package's Node entry, as a Node user's
// `import … from 'tfjs-bnn'` does (one-tfjs check, directory checkpoint store, backend choice).
import '../../src/node.js';
