import test from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../../', import.meta.url));

/** Runs an ES module snippet in a fresh Node process with cwd = dist/; resolves to its exit code and output. */
function runAlone(code: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd: DIST,
      env: { ...process.env, TFJS_BNN_BACKEND: 'cpu' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (status) => resolve({ status, output }));
  });
}

test('importing VariationalParameter and Normal alone is enough for kl(): the Normal‖Normal KL is registered next to Normal', async (t) => {
  const { status, output } = await runAlone(`
    import * as tf from '@tensorflow/tfjs';
    import { VariationalParameter } from './src/variational-parameter.js';
    import { Normal } from './src/distributions/normal.js';
    const p = new VariationalParameter('w', tf.variable(tf.tensor1d([0.3])), tf.variable(tf.tensor1d([Math.log(Math.expm1(0.5))])), new Normal(0, 1));
    console.log('KL=' + p.kl().dataSync()[0].toFixed(5));
  `);
  t.is(status, 0, output);
  t.regex(output, /KL=0\.36315/, 'KL(N(0.3, 0.5²) ‖ N(0, 1)) = 0.36315');
});

const BARRELS = [
  'src/distributions/index.js',
  'src/kl/index.js',
  'src/random/index.js',
  'src/io/index.js',
  'layers/index.js',
  'inference/kl-weighting/index.js',
  'inference/likelihoods/index.js',
  'inference/elbo/index.js',
  'inference/trainer/index.js',
  'inference/inspector/index.js',
  'inference/predictive/index.js',
  'inference/metrics/index.js',
  'inference/report/index.js',
  'inference/index.js',
  'src/index.js',
];

test('every public barrel loads on its own, and a layer imported from layers/ alone has its KL', async (t) => {
  const results = [];
  for (let i = 0; i < BARRELS.length; i += 4) {
    const batch = BARRELS.slice(i, i + 4);
    results.push(
      ...(await Promise.all(
        batch.map(async (file) => ({
          file,
          ...(await runAlone(
            `const m = await import('./${file}'); if (Object.keys(m).length === 0) throw new Error('no exports'); console.log('ok');`,
          )),
        })),
      )),
    );
  }
  for (const { file, status, output } of results) t.is(status, 0, `${file} alone: ${output}`);
  const layer = await runAlone(`
    import * as tf from '@tensorflow/tfjs';
    import { denseVariational } from './layers/index.js';
    const model = tf.sequential({ layers: [denseVariational({ units: 2, inputShape: [3] })] });
    console.log('KL finite: ' + Number.isFinite(model.layers[0].kl().dataSync()[0]));
  `);
  t.is(layer.status, 0, layer.output);
  t.regex(layer.output, /KL finite: true/);
});
