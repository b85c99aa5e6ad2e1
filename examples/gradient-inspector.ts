/**
 * The gradient inspector on a small Bayesian conv net (UCI digits, 8×8): the same model trained
 * with the per-example KL weight 1/N and with a constant weight of 1. With β = 1 the KL gradient
 * dominates the rawScale gradients in every layer; with 1/N the likelihood does.
 *
 *   node dist/examples/gradient-inspector.js [--epochs 4] [--out runs/gradient-inspector]
 *
 * Prints one table per weighting (per layer: ‖∇KL‖/‖∇NLL‖ on loc and on rawScale, the fraction of
 * inspected steps in which the KL dominated, the cosine) and writes, per weighting, the CSV/JSON
 * series and an SVG plot of the ratio per layer over training.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { exampleArgs } from './example-args.js';
import { loadDigits } from '../src/data/digits/load.js';
import { conv2dVariational, denseVariational } from '../layers/index.js';
import {
  categorical,
  klWeighting,
  fit,
  Elbo,
  GradientRecorder,
  recorderToCSV,
  recorderToJSON,
  recorderRatioPlot,
  type KLWeighting,
} from '../inference/index.js';

const flags = exampleArgs(
  'gradient-inspector',
  'The gradient inspector on a small Bayesian conv net (UCI digits), with KL weights 1/N and 1.',
  [
    { name: 'epochs', description: 'training epochs per weighting', defaultValue: '4', positiveInteger: true },
    { name: 'out', description: 'output folder', defaultValue: path.join('runs', 'gradient-inspector') },
  ],
);

function bayesianConvNet(): tf.Sequential {
  const init = (seed: number) => ({ locInitializer: tf.initializers.glorotUniform({ seed }) });
  return tf.sequential({
    layers: [
      conv2dVariational({
        filters: 8,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        inputShape: [8, 8, 1],
        name: 'conv1',
        posteriorInit: init(1),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv2dVariational({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2', posteriorInit: init(2) }),
      tf.layers.flatten(),
      denseVariational({ units: 10, name: 'logits', posteriorInit: init(3) }),
    ],
  });
}

interface Row {
  layer: string;
  locRatio: number;
  rawScaleRatio: number;
  klDominated: number;
  cosine: number;
}

async function run(label: string, weighting: KLWeighting, epochs: number, outDir: string): Promise<Row[]> {
  const digits = loadDigits({ seed: 0, layout: 'image' });
  const model = bayesianConvNet();
  const elbo = new Elbo(model, { likelihood: categorical(), klWeighting: weighting, reduction: 'mean' });
  const recorder = new GradientRecorder({ snrWindow: 5 });
  const optimizer = tf.train.adam(0.01);
  const history = await fit(
    model,
    { x: digits.train.xs, y: digits.train.oneHot },
    {
      elbo,
      optimizer,
      epochs,
      batchSize: 64,
      seed: 7,
      progress: 'lines',
      inspect: { every: 5, recorder },
    },
  );
  const last = history.epochs[history.epochs.length - 1].logs;
  console.log(`${label}: final loss ${last.loss.toFixed(3)}, NLL ${last.nll.toFixed(3)}, KL ${last.kl.toFixed(0)} nats`);
  const rows = recorder.summary().map((summary): Row => {
    const latest = recorder.trace[recorder.trace.length - 1];
    const role = (r: string) => {
      const matching = latest.parameters.filter((p) => p.layer === summary.layer && p.role === r);
      const kl = Math.sqrt(matching.reduce((a, p) => a + p.klNorm ** 2, 0));
      const nll = Math.sqrt(matching.reduce((a, p) => a + p.likelihoodNorm ** 2, 0));
      return kl / nll;
    };
    return {
      layer: summary.layer,
      locRatio: role('loc'),
      rawScaleRatio: role('rawScale'),
      klDominated: summary.klDominatedFraction,
      cosine: summary.cosine.mean ?? Number.NaN,
    };
  });
  fs.mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, label.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
  fs.writeFileSync(`${base}.csv`, recorderToCSV(recorder));
  fs.writeFileSync(`${base}.json`, JSON.stringify(recorderToJSON(recorder), null, 1));
  fs.writeFileSync(`${base}.svg`, await recorderRatioPlot(recorder));
  console.log(`  wrote ${base}.{csv,json,svg}`);
  recorder.dispose();
  optimizer.dispose();
  model.dispose();
  digits.dispose();
  return rows;
}

function printTable(label: string, rows: Row[]): void {
  console.log(`\n${label} (ratio = ‖∇ weighted KL‖ / ‖∇ NLL‖ at the last inspected step)`);
  console.log('layer      loc ratio   rawScale ratio   KL-dominated steps   mean cosine');
  for (const r of rows) {
    console.log(
      `${r.layer.padEnd(10)} ${r.locRatio.toExponential(2).padStart(9)}   ${r.rawScaleRatio.toExponential(2).padStart(14)}   ${(100 * r.klDominated).toFixed(0).padStart(17)} %   ${r.cosine.toFixed(3).padStart(11)}`,
    );
  }
}

const backend = await initBackend();
const epochs = Number(flags.epochs);
const outDir = flags.out;
console.log(`backend: ${backend.name}`);
const perExample = await run('perExample(N)', klWeighting.perExample(), epochs, outDir);
const constantOne = await run('constant(1)', klWeighting.constant(1), epochs, outDir);
printTable('perExample(N): KL weight 1/N', perExample);
printTable('constant(1): KL weight 1', constantOne);
