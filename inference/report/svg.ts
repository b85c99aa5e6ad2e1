/** Vega-Lite → SVG in Node, without a browser or canvas (Vega's `none` renderer). */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Compiles a Vega-Lite spec and renders it to an SVG string (`<svg …>…</svg>`).
 * Text widths are estimated (no canvas), which is fine for reports.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
