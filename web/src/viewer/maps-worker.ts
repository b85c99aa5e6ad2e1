/**
 * The viewer's worker: loads the saved model from memory and runs `predictive` (S Monte Carlo
 * passes) off the page's thread, posting progress after every pass; the page cancels by
 * terminating the worker. Noise: seed `segment/evaluation/<seed>` at step `EVALUATION_STEP`, the
 * same as `tfjs-bnn segment`'s held-out maps, so a held-out slice gives the CLI's numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { FormatError, ShapeError, disposePredictive, predictive } from 'tfjs-bnn';
import { EVALUATION_STEP } from '../../../cli/study/task.ts';
import { chooseBackend, describeWasm } from '../backend.ts';
import type { MapsRequest, MapsResult, WorkerMessage } from './protocol.ts';

const post = (message: WorkerMessage, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(message, transfer);

function channelZero(values: Float32Array, channels: number): Float32Array {
  return channels === 1 ? values : Float32Array.from({ length: values.length / channels }, (_, i) => values[i * channels]);
}

async function computeMaps(request: MapsRequest): Promise<MapsResult> {
  try {
    const choice = await chooseBackend(request.backend);
    post({
      kind: 'backend',
      name: choice.name,
      reason: choice.wasm === null ? "the page's backend" : `the page's backend; ${describeWasm(choice.wasm)}`,
    });
  } catch (error) {
    const choice = await chooseBackend(null);
    post({
      kind: 'backend',
      name: choice.name,
      reason: `the page's ${request.backend} failed in the worker (${(error as Error).message}); ${choice.reason}`,
    });
  }
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: request.modelTopology,
        weightSpecs: request.weightSpecs as tf.io.WeightsManifestEntry[],
        weightData: request.weightData,
      }),
    );
  } catch (error) {
    throw new FormatError(
      `viewer: the model cannot be built from model.json and weights.bin (${(error as Error).message}); pick both files from the same saved model folder.`,
    );
  }
  const { width, height, data } = request.slice;
  const x = tf.tensor4d(data, [1, height, width, 1]);
  try {
    const inputShape = model.inputs[0].shape;
    if (
      inputShape.length !== 4 ||
      (inputShape[1] !== null && inputShape[1] !== height) ||
      (inputShape[2] !== null && inputShape[2] !== width) ||
      inputShape[3] !== 1
    ) {
      throw new ShapeError(
        'viewer',
        'slice',
        [height, width, 1],
        `the model's input shape [${inputShape.slice(1).join(', ')}] (a slice of that size)`,
      );
    }
    const maps = predictive(model, x, {
      samples: request.samples,
      seed: `segment/evaluation/${request.seed}`,
      step: EVALUATION_STEP,
      output: 'sigmoid',
      onProgress: (done, total) => post({ kind: 'progress', done, total }),
    });
    try {
      const channels = maps.meanProbability.shape[maps.meanProbability.rank - 1] ?? 1;
      const [mean, entropy, information] = (await Promise.all([
        maps.meanProbability.data(),
        maps.predictiveEntropy.data(),
        maps.mutualInformation.data(),
      ])) as Float32Array[];
      return {
        width,
        height,
        channels,
        meanProbability: channelZero(mean, channels),
        predictiveEntropy: channelZero(entropy, channels),
        mutualInformation: channelZero(information, channels),
      };
    } finally {
      disposePredictive(maps);
    }
  } finally {
    x.dispose();
    model.dispose();
  }
}

self.addEventListener('message', (event: MessageEvent<MapsRequest>) => {
  computeMaps(event.data).then(
    (result) =>
      post({ kind: 'maps', result }, [result.meanProbability.buffer, result.predictiveEntropy.buffer, result.mutualInformation.buffer]),
    (error: unknown) =>
      post({
        kind: 'error',
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      }),
  );
});
