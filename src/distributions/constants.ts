/** Numeric constants shared by the densities. */

/** ½ log(2π), the normalising constant of a standard normal log-density. */
export const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
