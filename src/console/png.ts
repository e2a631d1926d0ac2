/**
 * SVG to PNG without a browser: resvg (a Rust SVG renderer, shipped as a prebuilt Node binding per
 * platform in the npm package), with the system's fonts.
 */
import { Resvg } from '@resvg/resvg-js';

/**
 * Render SVG text as a PNG image, at twice its size for sharp text.
 * @example writeFileSync('pipeline.png', svgToPng(svg))
 */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' });
  return resvg.render().asPng();
}
