import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  brainVolumeGeometry,
  generateBrainVolumes,
  DEFAULT_BRAIN_SIZE,
  PERIVENTRICULAR_BAND_MM,
} from '../../../src/data/phantom/brain-volume.js';
import { writeBrainVolumes } from '../../../src/data/phantom/write-volumes.js';
import { Tissue } from '../../../src/data/phantom/anatomy.js';
import { labelComponents } from '../../../inference/metrics/components.js';
import { readNifti } from '../../../src/io/nifti-file.js';
import { InvalidArgumentError } from '../../../src/errors.js';

/** A small head: 24×32×32 voxels of 6 mm (192 mm across, like the default). */
const SMALL = { seed: 'brain', count: 2, size: [24, 32, 32], spacingMm: 6, lesionFraction: 0.004 } as const;

function channelMean(volumes: ReturnType<typeof generateBrainVolumes>, channel: number, select: (i: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < volumes.mask.length; i++) {
    if (!select(i)) continue;
    sum += volumes.image[2 * i + channel];
    n++;
  }
  return sum / n;
}

test('the default volume is 96×128×128 with two channels and 0.3 % lesion voxels in 3–30 mm lesions', (t) => {
  const brain = generateBrainVolumes({ seed: 7 });
  t.deepEqual(brain.shape, [1, ...DEFAULT_BRAIN_SIZE, 2]);
  t.is(brain.lesionVoxels, Math.round(0.003 * 96 * 128 * 128));
  const components = labelComponents(brain.mask, [...DEFAULT_BRAIN_SIZE]);
  // Diameter of a ball of n voxels of 1.5 mm: (6n/π)^(1/3)·1.5 mm; the last lesion may be cut to the budget.
  const diameters = Array.from(components.sizes).map((n) => Math.cbrt((6 * n) / Math.PI) * 1.5);
  t.true(Math.max(...diameters) <= 30 * 1.3 * 1.3, `largest ${Math.max(...diameters)} mm (aspect up to 1.3 per axis)`);
  t.true(diameters.filter((d) => d >= 3).length >= diameters.length - 2, `diameters ${diameters.map((d) => d.toFixed(1)).join(', ')}`);
  t.true(brain.lesionCount >= 4);
});

test('FLAIR-like: lesions brighter than white matter, CSF darkest; T1-like: white matter bright, lesions darker than it', (t) => {
  const brain = generateBrainVolumes(SMALL);
  const lesion = (i: number) => brain.mask[i] === 1;
  const tissue = (label: number) => (i: number) => brain.mask[i] === 0 && brain.tissue[i] === label;
  const flairLesion = channelMean(brain, 0, lesion);
  const flairWhite = channelMean(brain, 0, tissue(Tissue.whiteMatter));
  t.true(flairLesion > flairWhite + 0.1, `FLAIR lesion ${flairLesion} vs white matter ${flairWhite}`);
  t.true(channelMean(brain, 0, tissue(Tissue.csf)) < flairWhite);
  const t1White = channelMean(brain, 1, tissue(Tissue.whiteMatter));
  t.true(t1White > channelMean(brain, 1, tissue(Tissue.greyMatter)) && t1White > channelMean(brain, 1, tissue(Tissue.csf)));
  t.true(channelMean(brain, 1, lesion) < t1White - 0.05, 'lesions are dark on T1');
  t.is(brain.lesionVoxels, Math.round(0.004 * 2 * 24 * 32 * 32));
});

test('most lesion voxels lie near the ventricles (periventricular share 0.8 vs 0)', (t) => {
  const nearVentricle = (share: number) => {
    const brain = generateBrainVolumes({
      ...SMALL,
      size: [48, 64, 64],
      spacingMm: 3,
      periventricularShare: share,
      lesionDiameterMm: [3, 9],
    });
    const [, d, h, w] = brain.shape;
    const reach = Math.ceil((PERIVENTRICULAR_BAND_MM + 6) / 3);
    let near = 0;
    for (let i = 0; i < brain.mask.length; i++) {
      if (!brain.mask[i]) continue;
      const local = i % (d * h * w);
      const base = i - local;
      const [z, y, x] = [Math.floor(local / (h * w)), Math.floor(local / w) % h, local % w];
      let found = false;
      for (let dz = -reach; dz <= reach && !found; dz++)
        for (let dy = -reach; dy <= reach && !found; dy++)
          for (let dx = -reach; dx <= reach && !found; dx++) {
            const [nz, ny, nx] = [z + dz, y + dy, x + dx];
            if (nz < 0 || ny < 0 || nx < 0 || nz >= d || ny >= h || nx >= w) continue;
            const n = base + (nz * h + ny) * w + nx;
            // Ventricular CSF: CSF away from the head's rim (the rim lies outside grey matter).
            found = brain.tissue[n] === Tissue.csf && Math.hypot((nx - w / 2) / w, (ny - h / 2) / h, (nz - d / 2) / d) < 0.25;
          }
      if (found) near++;
    }
    return near / brain.lesionVoxels;
  };
  const periventricular = nearVentricle(0.8);
  const uniform = nearVentricle(0);
  t.true(
    periventricular > 0.6 && periventricular > uniform + 0.2,
    `near the ventricles: ${periventricular} (share 0.8) vs ${uniform} (share 0)`,
  );
});

test('seeded: the same seed replays the volumes bit for bit, another seed differs', (t) => {
  const a = generateBrainVolumes(SMALL);
  const b = generateBrainVolumes(SMALL);
  t.deepEqual(a.image, b.image);
  t.deepEqual(a.mask, b.mask);
  t.notDeepEqual(generateBrainVolumes({ ...SMALL, seed: 'other' }).mask, a.mask);
});

test('written as NIfTI: FLAIR, T1 and mask share an affine centred on the volume with the voxel spacing', async (t) => {
  const brain = generateBrainVolumes({ ...SMALL, count: 1 });
  const files = await writeBrainVolumes(await mkdtemp(join(tmpdir(), 'tfjs-bnn-brain-')), brain);
  const geometry = brainVolumeGeometry(SMALL.size, 6);
  t.deepEqual(geometry.dims, [32, 32, 24]);
  t.deepEqual(geometry.affine[0], [6, 0, 0, -93]);
  t.deepEqual(geometry.affine[2], [0, 0, 6, -69]);
  for (const path of Object.values(files[0])) {
    const volume = await readNifti(path);
    t.deepEqual(volume.geometry.affine, geometry.affine, path);
    t.deepEqual(volume.geometry.dims, [32, 32, 24]);
  }
  const t1 = await readNifti(files[0].t1);
  t.is(t1.data[5], Math.fround(brain.image[2 * 5 + 1]));
  const mask = await readNifti(files[0].mask);
  t.is(
    mask.data.reduce((a, b) => a + b, 0),
    brain.lesionVoxels,
  );
});

test('bad options are typed errors naming the option', (t) => {
  t.throws(() => generateBrainVolumes({ seed: 1, size: [8, 32, 32] }), { instanceOf: InvalidArgumentError, message: /options.size/ });
  t.throws(() => generateBrainVolumes({ seed: 1, lesionFraction: 0.2 }), {
    instanceOf: InvalidArgumentError,
    message: /options.lesionFraction/,
  });
  t.throws(() => generateBrainVolumes({ seed: 1, lesionDiameterMm: [5, 2] }), {
    instanceOf: InvalidArgumentError,
    message: /lesionDiameterMm/,
  });
  t.throws(() => generateBrainVolumes({ seed: 1, periventricularShare: 2 }), {
    instanceOf: InvalidArgumentError,
    message: /periventricularShare/,
  });
  t.throws(() => generateBrainVolumes({ seed: Number.NaN }), { instanceOf: InvalidArgumentError, message: /options.seed/ });
});
