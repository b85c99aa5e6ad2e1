#!/usr/bin/env node
/** Entry point of the `tfjs-bnn` command (package `bin`). See `docs/cli.md`. */

// The native TensorFlow library writes absl log lines to stderr while it loads ("oneDNN custom
// operations are on", CPU feature hints). They would break the one-line error contract, and
// TF_CPP_MIN_LOG_LEVEL alone does not silence the oneDNN line (it is logged before absl reads the
// level), so both variables are set unless the user set them or asked for --verbose. Measured here,
// TF_ENABLE_ONEDNN_OPTS=0 did not slow 512² matmul or 3×3 conv on [8, 64, 64, 16] (Eigen kernels).
if (!process.argv.includes('--verbose')) {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '3';
  process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
}

const { runCli } = await import('./program.js');
const exitCode = await runCli(process.argv);
// Exit explicitly: a backend may keep worker handles alive after the command is done.
process.exit(exitCode);
