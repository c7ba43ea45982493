/**
 * JPEG decoding through MozJPEG's libjpeg compiled to WebAssembly (@jsquash/jpeg): 4-5x faster than
 * jpeg-js and bit-identical to libjpeg-turbo's default (islow IDCT, fancy upsampling), with nothing
 * native. The .wasm ships in the package and is read from node_modules and instantiated synchronously,
 * so decoding stays synchronous and needs no network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import createMozJpegModule from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';
import { BackendUnavailableError } from '@lastmile/core';

/** Decoded pixels, 4 bytes a pixel (alpha 255). */
export interface RgbaPixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** libjpeg's message when it failed or warned. */
export interface LibjpegRefusal {
  refused: string;
}

/** The part of the Emscripten module that is used. */
interface MozJpegModule {
  decode(data: Uint8Array, preserveOrientation: boolean): RgbaPixels | null;
  HEAP8: Int8Array;
}

interface Decoder {
  module: MozJpegModule;
  /** libjpeg's warnings and errors, which its standard error manager prints to stderr. */
  messages: string[];
}

/** The slice of the WebAssembly JS API used here: @types/node 20 declares none, and a global declaration
 * would clash with the one of packages that bring their own. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A decoder whose memory grew past this (a ~25 MP image) is dropped after use, giving the memory back. */
const MAX_RETAINED_MEMORY = 128 * 2 ** 20;

const WASM_FILE = '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm';
let compiled: object | undefined;
let current: Decoder | undefined;

/**
 * Decodes a baseline or progressive JPEG (gray or YCbCr) as libjpeg does, or says why not: libjpeg
 * fails on CMYK (it will not convert it to RGB) and warns on truncated or corrupt data, which it would
 * fill in silently. Throws BackendUnavailableError only when the WebAssembly module cannot be loaded.
 */
export function decodeJpegWasm(bytes: Uint8Array): RgbaPixels | LibjpegRefusal {
  const decoder = current ?? createDecoder();
  current = undefined;
  decoder.messages.length = 0;
  let pixels: RgbaPixels | null;
  try {
    pixels = decoder.module.decode(bytes, false);
  } catch (error) {
    // libjpeg's fatal errors exit() mid-call, leaving its stack and heap unwound: the decoder is dropped.
    return { refused: decoder.messages.join('; ') || String(error) };
  }
  if (pixels === null || decoder.messages.length > 0)
    return { refused: decoder.messages.join('; ') || 'libjpeg returned no image' };
  if (decoder.module.HEAP8.byteLength <= MAX_RETAINED_MEMORY) current = decoder;
  return pixels;
}

function createDecoder(): Decoder {
  try {
    compiled ??= new wasmApi.Module(readFileSync(createRequire(import.meta.url).resolve(WASM_FILE)));
  } catch (error) {
    throw new BackendUnavailableError(
      `cannot load the JPEG decoder ${WASM_FILE} (${String(error)})`,
      { file: WASM_FILE },
      { cause: error },
    );
  }
  const wasm = compiled;
  const messages: string[] = [];
  const module = {
    noInitialRun: true,
    print: (text: string) => messages.push(text),
    printErr: (text: string) => messages.push(text),
    // Synchronous instantiation runs the module's initialization before the factory returns.
    instantiateWasm: (imports: object, ready: (instance: { exports: object }) => void) => {
      const instance = new wasmApi.Instance(wasm, imports);
      ready(instance);
      return instance.exports;
    },
  } as unknown as Partial<MozJpegModule>;
  // The factory's promise only repeats what `module` already holds; a failure shows as a missing decode.
  createMozJpegModule(module as never).catch(() => undefined);
  if (typeof module.decode !== 'function')
    throw new BackendUnavailableError(`the JPEG decoder ${WASM_FILE} did not initialize synchronously`, {
      file: WASM_FILE,
    });
  return { module: module as MozJpegModule, messages };
}
