/**
 * The net definition as caffe.NetParameter, from prototxt text: parsed into plain properties, then
 * encoded and decoded once so that it carries the proto defaults exactly as a decoded caffemodel does.
 */
import { ModelFormatError } from '@lastmile/core';
import { caffe } from '../generated/caffe.js';
import { parsePrototxt } from '../prototxt/parse.js';

const SNIFF_BYTES = 4096;

/** Prototxt bytes as text; binary content (a .caffemodel given as the prototxt, say) is refused. */
export function prototxtText(bytes: Uint8Array): string {
  const head = bytes.subarray(0, SNIFF_BYTES);
  if (head.some((b) => b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x0b))) {
    throw new ModelFormatError(
      'the prototxt is binary, not text: a .caffemodel (weights) may have been given as the net definition',
      {
        expected: 'protobuf text format',
        got: 'binary data',
      },
    );
  }
  return new TextDecoder('utf-8').decode(bytes);
}

/** Parses a prototxt into a NetParameter. */
export function netFromPrototxt(text: string): caffe.NetParameter {
  const plain = parsePrototxt(text, 'caffe.NetParameter');
  const bytes = caffe.NetParameter.encode(plain as caffe.NetParameter.$Properties).finish();
  try {
    return caffe.NetParameter.decode(bytes);
  } catch (error) {
    // Only proto2 `required` fields can fail here (clip_param without min or max).
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModelFormatError(`the prototxt leaves a required field unset: ${reason}`, { reason }, { cause: error });
  }
}
