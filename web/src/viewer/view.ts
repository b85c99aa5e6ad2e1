/**
 * The uncertainty-map viewer: pick or drop a saved model (model.json + weights.bin) and a slice,
 * then compute the Monte Carlo maps in a worker with a progress bar and a Cancel button.
 * Test hooks: `#viewer-state[data-state]` (idle, ready, computing, done, cancelled, failed) and
 * `window.tfjsBnnViewer.maps` (the last maps, plain Float32Arrays).
 */
import type { PageBackend } from '../backend.ts';
import { readViewerFile, volumeSlice, type ImageFile, type ModelFile } from './inputs.ts';
import type { MapsResult, WorkerMessage } from './protocol.ts';
import { renderPanel, valueRange } from './render.ts';

declare global {
  interface Window {
    tfjsBnnViewer?: { maps: MapsResult | null };
  }
}

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node as T;
}

/** Wires the viewer. `report` shows an error on the page; `backend` is the page's backend. */
export function setUpViewer(report: (error: unknown) => void, backend: () => PageBackend, version: string): void {
  const picker = byId<HTMLInputElement>('viewer-files');
  const zone = byId<HTMLElement>('viewer-drop');
  const loaded = byId<HTMLElement>('viewer-loaded');
  const compute = byId<HTMLButtonElement>('viewer-compute');
  const cancel = byId<HTMLButtonElement>('viewer-cancel');
  const progress = byId<HTMLProgressElement>('viewer-progress');
  const state = byId<HTMLOutputElement>('viewer-state');
  const maps = byId<HTMLElement>('viewer-maps');
  const sliceIndex = byId<HTMLInputElement>('viewer-slice');
  const files: { model: ModelFile | null; weights: { name: string; data: ArrayBuffer } | null; image: ImageFile | null } = {
    model: null,
    weights: null,
    image: null,
  };
  let worker: Worker | null = null;
  window.tfjsBnnViewer = { maps: null };

  const setState = (value: string, text: string) => {
    state.dataset.state = value;
    state.textContent = text;
  };
  const refresh = () => {
    loaded.textContent = [
      `model: ${files.model === null ? '—' : `${files.model.name} (${files.model.writtenBy})`}`,
      `weights: ${files.weights === null ? '—' : `${files.weights.name} (${files.weights.data.byteLength} bytes)`}`,
      `slice: ${files.image === null ? '—' : `${files.image.name}, ${files.image.description}`}`,
    ].join(' · ');
    const volume = files.image?.volume;
    sliceIndex.disabled = volume === undefined || volume.dims[2] < 2 || worker !== null;
    sliceIndex.max = String(volume === undefined ? 0 : volume.dims[2] - 1);
    sliceIndex.value = String(files.image?.z ?? 0);
    const ready = files.model !== null && files.weights !== null && files.image !== null;
    compute.disabled = !ready || worker !== null;
    if (ready && worker === null) setState('ready', 'ready: press Compute maps');
  };
  const take = async (list: FileList | readonly File[]) => {
    for (const file of Array.from(list)) {
      try {
        const input = await readViewerFile(file, version);
        if (input.kind === 'model') files.model = input.file;
        else if (input.kind === 'weights') files.weights = { name: input.name, data: input.data };
        else files.image = input.file;
      } catch (error) {
        report(error);
      }
    }
    refresh();
  };
  const finish = () => {
    worker?.terminate();
    worker = null;
    cancel.disabled = true;
    refresh();
  };
  const show = (result: MapsResult, image: ImageFile) => {
    const { width, height } = result;
    maps.replaceChildren(
      renderPanel({ title: `slice (${image.name})`, values: image.raw, width, height, range: valueRange(image.raw), colormap: 'grey' }),
      renderPanel({ title: 'mean probability p̄', values: result.meanProbability, width, height, range: [0, 1], colormap: 'viridis' }),
      renderPanel({
        title: 'predictive entropy (nats)',
        values: result.predictiveEntropy,
        width,
        height,
        range: [0, Math.LN2],
        colormap: 'viridis',
      }),
      renderPanel({
        title: 'mutual information (nats)',
        values: result.mutualInformation,
        width,
        height,
        range: [0, Math.max(1e-6, valueRange(result.mutualInformation)[1])],
        colormap: 'viridis',
      }),
    );
  };

  sliceIndex.addEventListener('change', () => {
    const image = files.image;
    if (image?.volume === undefined) return;
    files.image = volumeSlice(image.name, image.volume, Number(sliceIndex.value));
    refresh();
  });
  picker.addEventListener('change', () => {
    if (picker.files !== null) void take(picker.files);
    picker.value = '';
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    if (event.dataTransfer !== null) void take(event.dataTransfer.files);
  });
  compute.addEventListener('click', () => {
    const { model, weights, image } = files;
    if (model === null || weights === null || image === null) return;
    const samples = Number(byId<HTMLInputElement>('viewer-samples').value);
    const seed = Number(byId<HTMLInputElement>('viewer-seed').value);
    worker = new Worker(new URL('./maps-worker.ts', import.meta.url), { type: 'module' });
    compute.disabled = true;
    cancel.disabled = false;
    progress.value = 0;
    progress.max = samples;
    setState('computing', `computing ${samples} Monte Carlo passes…`);
    worker.addEventListener('message', (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (message.kind === 'backend')
        byId<HTMLElement>('viewer-backend').textContent = `maps computed on ${message.name} (${message.reason})`;
      else if (message.kind === 'progress') {
        progress.max = message.total;
        progress.value = message.done;
        state.textContent = `computing: pass ${message.done} of ${message.total}`;
      } else if (message.kind === 'maps') {
        window.tfjsBnnViewer = { maps: message.result };
        show(message.result, image);
        finish();
        setState('done', `done: ${samples} passes${message.result.channels > 1 ? `; channel 0 of ${message.result.channels} shown` : ''}`);
      } else {
        finish();
        setState('failed', 'failed');
        report(Object.assign(new Error(message.message), { name: message.name }));
      }
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      finish();
      setState('failed', 'failed');
      report(new Error(`the maps worker failed: ${event.message}`));
    });
    worker.postMessage({
      backend: backend(),
      modelTopology: model.modelTopology,
      weightSpecs: model.weightSpecs,
      weightData: weights.data.slice(0),
      slice: image.slice,
      samples,
      seed,
    });
  });
  cancel.addEventListener('click', () => {
    finish();
    progress.value = 0;
    setState('cancelled', 'cancelled');
  });
  refresh();
  setState('idle', 'pick or drop model.json, weights.bin and a PNG or NIfTI slice');
}
