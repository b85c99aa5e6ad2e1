/** A small report with every section, shared by the report tests. */
import type { RunReport } from '../../../inference/report/index.js';

const SIDE = 8;
const ramp = Array.from({ length: SIDE * SIDE }, (_, i) => i / (SIDE * SIDE - 1));
const square = Array.from({ length: SIDE * SIDE }, (_, i) =>
  Math.floor(i / SIDE) >= 2 && Math.floor(i / SIDE) < 5 && i % SIDE >= 3 && i % SIDE < 6 ? 1 : 0,
);

/** Every section present; 3 empty reliability bins and one NaN loss to check that they are dropped. */
export function fullReport(): RunReport {
  return {
    title: 'tfjs-bnn segment <test> & "quotes"',
    status: 'complete',
    createdAt: '2025-01-01T00:00:00.000Z',
    summary: { dice: 0.5, auroc: 0.75, ece: 0.0123, eceForeground: 0.2, wallTimeSeconds: 1.5 },
    settings: { epochs: 2, loss: 'focal' },
    training: [
      { step: 0, loss: 10, nll: 8, kl: 200, klWeight: 0 },
      { step: 1, loss: 9, nll: 7, kl: 190, klWeight: 0.005 },
      { step: 2, loss: Number.NaN, nll: 6, kl: 180, klWeight: 0.01 },
      { step: 3, loss: 7, nll: 5, kl: 170, klWeight: 0.01 },
    ],
    gradientRatios: [
      { layer: 'conv_1', step: 0, ratio: 0.1 },
      { layer: 'conv_1', step: 1, ratio: 0.2 },
      { layer: 'dense_2', step: 0, ratio: 3 },
      { layer: 'dense_2', step: 1, ratio: 2 },
    ],
    reliability: Array.from({ length: 5 }, (_, b) => ({
      lower: b / 5,
      upper: (b + 1) / 5,
      count: b < 3 ? 0 : 10 * b,
      confidence: b < 3 ? Number.NaN : (b + 0.5) / 5,
      accuracy: b < 3 ? Number.NaN : b / 5,
    })),
    foregroundReliability: Array.from({ length: 5 }, (_, b) => ({
      lower: b / 5,
      upper: (b + 1) / 5,
      count: b === 4 ? 1200 : b === 2 ? 7 : 0,
      confidence: (b + 0.5) / 5,
      accuracy: b === 4 ? 0.7 : 0.5,
    })),
    retention: { fractions: [0, 0.5, 1], dice: [0.5, 0.8, 1], area: 0.775 },
    panels: [
      {
        caption: 'held-out image 0',
        panels: [
          { title: 'image', width: SIDE, height: SIDE, values: ramp, colormap: 'gray' },
          { title: 'ground truth', width: SIDE, height: SIDE, values: square, colormap: 'mask' },
          {
            title: 'entropy (nats)',
            width: SIDE,
            height: SIDE,
            values: ramp.map((v) => v * Math.LN2),
            colormap: 'viridis',
            range: [0, Math.LN2],
          },
        ],
      },
    ],
    comparisons: [
      {
        metric: 'test NLL (nats)',
        values: [
          { group: 'perExample', seed: 0, value: 0.3 },
          { group: 'perExample', seed: 1, value: 0.35 },
          { group: 'blundell', seed: 0, value: 0.5 },
          { group: 'blundell', seed: 1, value: 0.45 },
        ],
      },
    ],
    tables: [
      {
        title: 'runs',
        columns: ['weighting', 'seed', 'nll'],
        rows: [
          ['perExample', 0, 0.3],
          ['blundell', 0, 0.5],
        ],
      },
    ],
    notes: ['gradient ratios are from a fixture'],
  };
}

/** Number of charts `fullReport()` must produce: loss parts, KL weight, gradient ratio, reliability, retention, one comparison. */
export const FULL_REPORT_CHARTS = 7;
