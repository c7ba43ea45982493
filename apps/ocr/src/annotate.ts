/**
 * The annotated image: the input with each recognized line's box drawn on it.
 */
import { convertColor, createImage, drawPolygon, type Image } from '@lastmile/vision';
import type { TextLine } from './ocr.js';

const BOX_COLOR = [230, 40, 40];

/** A copy of `image` (as RGB) with every line's box outlined in red. */
export function annotate(image: Image, lines: readonly TextLine[]): Image {
  const rgb = convertColor(image, 'rgb');
  const out = createImage(rgb.width, rgb.height, 'rgb', rgb.data.slice());
  for (const line of lines) drawPolygon(out, line.box, BOX_COLOR, 2);
  return out;
}
