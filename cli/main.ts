#!/usr/bin/env node
/** Entry point of the `tfjs-bnn` command (package `bin`). See `docs/cli.md`. */

// The native TensorFlow library writes log lines to stderr while it loads. TF_CPP_MIN_LOG_LEVEL
// silences most; the "oneDNN custom operations are on" line is logged before absl reads the level
// and stays. oneDNN itself is left on: measured here (median of 15), the conv2d filter gradient on
// [8, 64, 64, 16] × 3×3×16×32 took 17–25 ms with it and 40–53 ms without (TF_ENABLE_ONEDNN_OPTS=0).
// Options and weighting names are validated before TensorFlow.js (and any backend) loads, so bad
// input gets exactly one line at once (test/cli/hardening.test.ts checks that no tfjs module loads).
if (!process.argv.includes('--verbose')) process.env.TF_CPP_MIN_LOG_LEVEL ??= '3';

const { runCli } = await import('./program.js');
const exitCode = await runCli(process.argv);
// Exit explicitly: a backend may keep worker handles alive after the command is done.
process.exit(exitCode);
