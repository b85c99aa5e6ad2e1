/**
 * The gradient tfjs 4.22 lacks: `Conv3DBackpropInputV2` (the kernel behind `tf.conv3dTranspose`) has
 * no registered gradient, so a 3D decoder with transposed convolutions cannot train. It mirrors
 * tfjs's own `Conv2DBackpropInput` gradient: for dx = conv3dᵀ(dy, filter),
 * ∂/∂dy = conv3d(ddx, filter) and ∂/∂filter = conv3DBackpropFilter(ddx, dy).
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel name of the 3D input-gradient (= transposed convolution) op. */
export const CONV3D_BACKPROP_INPUT = 'Conv3DBackpropInputV2';

interface Conv3DBackpropInputAttrs {
  readonly strides: [number, number, number] | number;
  readonly pad: 'valid' | 'same';
}

/** Registers the gradient of `Conv3DBackpropInputV2` unless one is registered already (idempotent). */
export function registerConv3dTransposeGradient(): void {
  if (tf.getGradient(CONV3D_BACKPROP_INPUT) !== undefined) return;
  tf.registerGradient({
    kernelName: CONV3D_BACKPROP_INPUT,
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs) => {
      const [dy, filter] = saved as [tf.Tensor5D, tf.Tensor5D];
      const { strides, pad } = attrs as unknown as Conv3DBackpropInputAttrs;
      const gradient = Array.isArray(ddx) ? ddx[0] : ddx;
      return {
        dy: () => tf.conv3d(gradient as tf.Tensor5D, filter, strides, pad),
        filter: () =>
          tf.engine().runKernel('Conv3DBackpropFilterV2', { x: gradient, dy }, {
            strides,
            pad,
            filterShape: filter.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor5D,
      };
    },
  });
}
