/** Bidirectional wrapping of the variational recurrent layers with tf.layers' own Bidirectional. */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../src/errors.js';
import { RecurrentVariational } from './recurrent-variational.js';

type TfBidirectionalArgs = Parameters<typeof tf.layers.bidirectional>[0];

/** Arguments of `bidirectionalVariational`: tf.layers.bidirectional's, with a variational recurrent layer. */
export interface BidirectionalVariationalArgs extends Omit<TfBidirectionalArgs, 'layer'> {
  /** The layer to run both ways (`lstmVariational`, `gruVariational`, `simpleRNNVariational`). */
  layer: RecurrentVariational;
}

/**
 * `tf.layers.bidirectional` around a variational recurrent layer. Like tf.layers, it runs two
 * clones of `layer` built from its config: `forward_<name>` and `backward_<name>` (goBackwards
 * flipped), each with its own posterior, prior, KL and noise streams; `layer` itself stays unbuilt.
 * `variationalLayers`, `collectKL`, `setSamplingMode` and the ELBO find both clones. Merge modes,
 * `returnSequences` and `returnState` behave as tf.layers'. This function only gives TypeScript
 * users the right argument type (tf.layers' typing asks for its own RNN class); calling
 * `tf.layers.bidirectional` directly works the same at run time.
 */
export function bidirectionalVariational(args: BidirectionalVariationalArgs): tf.layers.Layer {
  if (!(args?.layer instanceof RecurrentVariational)) {
    throw new InvalidArgumentError(
      'bidirectionalVariational',
      'layer',
      args?.layer,
      'a variational recurrent layer (lstmVariational, gruVariational, simpleRNNVariational)',
    );
  }
  return tf.layers.bidirectional({ ...args, layer: args.layer as unknown as TfBidirectionalArgs['layer'] });
}
