/**
 * The toy's panel: settings, Train / Stop, the live plot, the band widths and the inspector table.
 * Test hooks: `#toy-band` carries `data-state` (idle, training, done, failed), `data-step`,
 * `data-width-inside` and `data-width-outside` of the last band drawn; `#toy-status` carries the
 * last epoch's `data-epoch`, `data-loss`, `data-nll`, `data-kl` at full precision.
 */
import { predictiveBand, type Band } from './band.ts';
import { drawToy } from './plot.ts';
import { TOY_WEIGHTINGS, createToyRun, type ToyRun, type ToyWeighting } from './setup.ts';
import { trainToy, type ToyProgress } from './train.ts';

/** Epochs between band redraws, and steps between gradient inspections. */
const TOY_REDRAW_EVERY = 5;
const TOY_INSPECT_EVERY = 10;

function byId<T extends HTMLElement | SVGSVGElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node as unknown as T;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(2) : value.toFixed(4);
}

function showInspector(progress: ToyProgress): void {
  const body = byId<HTMLTableSectionElement>('toy-inspector-rows');
  body.replaceChildren(
    ...progress.layers.map((row) => {
      const tr = document.createElement('tr');
      for (const cell of [row.layer, formatNumber(row.likelihoodNorm), formatNumber(row.klNorm), formatNumber(row.ratio)]) {
        const td = document.createElement('td');
        td.textContent = cell;
        tr.append(td);
      }
      return tr;
    }),
  );
}

function showBand(band: Band, step: number): void {
  const out = byId<HTMLOutputElement>('toy-band');
  out.dataset.step = String(step);
  out.dataset.widthInside = String(band.widthInside);
  out.dataset.widthOutside = String(band.widthOutside);
  out.textContent = `band width 4σ: ${band.widthInside.toFixed(3)} inside the data (x ∈ [0, 0.5]), ${band.widthOutside.toFixed(3)} at x ∈ [0.8, 1] — ratio ${(band.widthOutside / band.widthInside).toFixed(1)}×`;
}

/** Wires the toy panel. `report` shows an error on the page. */
export function setUpToy(report: (error: unknown) => void): void {
  const select = byId<HTMLSelectElement>('toy-weighting');
  select.replaceChildren(...Object.entries(TOY_WEIGHTINGS).map(([value, label]) => new Option(label, value)));
  const temperature = byId<HTMLInputElement>('toy-temperature');
  const train = byId<HTMLButtonElement>('toy-train');
  const stop = byId<HTMLButtonElement>('toy-stop');
  const svg = byId<SVGSVGElement>('toy-plot');
  const status = byId<HTMLElement>('toy-status');
  const state = byId<HTMLOutputElement>('toy-band');
  select.addEventListener('change', () => (temperature.disabled = select.value !== 'tempered'));
  temperature.disabled = true;
  let controller: AbortController | null = null;

  train.addEventListener('click', () => {
    const seed = Number(byId<HTMLInputElement>('toy-seed').value);
    const epochs = Number(byId<HTMLInputElement>('toy-epochs').value);
    let run: ToyRun | null = null;
    controller = new AbortController();
    const signal = controller.signal;
    train.disabled = true;
    stop.disabled = false;
    state.dataset.state = 'training';
    const started = performance.now();
    const work = async () => {
      run = createToyRun({ seed, weighting: select.value as ToyWeighting, temperature: Number(temperature.value) });
      const points = { x: (await run.x.data()) as Float32Array, y: (await run.y.data()) as Float32Array };
      drawToy(svg, points, null);
      const redraw = async (step: number) => {
        const band = await predictiveBand((run as ToyRun).model, `band/${seed}`);
        drawToy(svg, points, band);
        showBand(band, step);
      };
      const steps = await trainToy(run, {
        seed,
        epochs,
        inspectEvery: TOY_INSPECT_EVERY,
        signal,
        onEpoch: async (progress) => {
          Object.assign(status.dataset, {
            epoch: String(progress.epoch),
            loss: String(progress.loss),
            nll: String(progress.nll),
            kl: String(progress.kl),
          });
          status.textContent = `epoch ${progress.epoch + 1} / ${epochs}, step ${progress.step}: loss ${formatNumber(progress.loss)}, NLL ${formatNumber(progress.nll)}, KL ${formatNumber(progress.kl)} (${((performance.now() - started) / 1000).toFixed(1)} s)`;
          showInspector(progress);
          if ((progress.epoch + 1) % TOY_REDRAW_EVERY === 0) await redraw(progress.step);
        },
      });
      await redraw(steps);
      state.dataset.state = 'done';
    };
    work()
      .catch((error: unknown) => {
        state.dataset.state = 'failed';
        report(error);
      })
      .finally(() => {
        (run as ToyRun | null)?.dispose();
        train.disabled = false;
        stop.disabled = true;
      });
  });
  stop.addEventListener('click', () => controller?.abort());
}
