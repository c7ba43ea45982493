import { ErrorCodes } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { expectLastmileError } from '../support.js';
import { parsePrototxt } from './parse.js';

describe('prototxt parser', () => {
  it('reads fields, nested and repeated messages, enums by name, lists, comments and separators', () => {
    const net = parsePrototxt(`# a comment
name: "net"   # trailing comment
input: 'data' input: "im_info"
input_shape { dim: 1 dim: 3 dim: 0x10 dim: 010 }
layer <
  name: "pool"; type: "Pooling", bottom: "data"
  top: "pool"
  pooling_param: { pool: AVE kernel_size: 3 stride: 2 global_pooling: True }
>
layer { name: "x" type: "Eltwise" eltwise_param { operation: 0 coeff: [1.5, -2e-1, .5f, inf] } include { phase: TEST } }
`);
    expect(net).toEqual({
      name: 'net',
      input: ['data', 'im_info'],
      inputShape: [{ dim: [1, 3, 16, 8] }],
      layer: [
        {
          name: 'pool',
          type: 'Pooling',
          bottom: ['data'],
          top: ['pool'],
          poolingParam: { pool: 1, kernelSize: 3, stride: 2, globalPooling: true },
        },
        {
          name: 'x',
          type: 'Eltwise',
          eltwiseParam: { operation: 0, coeff: [1.5, Math.fround(-0.2), 0.5, Infinity] },
          include: [{ phase: 1 }],
        },
      ],
    });
  });

  it('decodes string escapes and joins adjacent strings', () => {
    expect(parsePrototxt(String.raw`name: "a\"b\\c\n\x41\101\t" 'd' "e"`)).toEqual({ name: 'a"b\\c\nAA\tde' });
  });

  it('skips parameter blocks of layers it does not lower, and nothing else', async () => {
    expect(
      parsePrototxt(
        'layer { name: "d" transform_param { scale: 0.5 mean_value: [1, 2] nested { a: "}" } } type: "Data" }',
      ),
    ).toEqual({ layer: [{ name: 'd', type: 'Data' }] });
    await expectLastmileError(
      () => parsePrototxt('layer { nme: "d" }'),
      ErrorCodes.ModelFormat,
      /^prototxt 1:9: unknown field 'nme' in caffe.LayerParameter/,
    );
  });

  it.each([
    ['name: "x"\nlayer {\n  name: "a"\n', /prototxt 4:1: unexpected end of file: '}' missing/],
    ['layer {\n  name: "a" }\n}', /prototxt 3:1: expected a field name of caffe.NetParameter, got '}'/],
    ['name "x"', /prototxt 1:6: expected ':' after field name 'name'/],
    ['name: x', /prototxt 1:7: field 'name' expects a quoted string, got 'x'/],
    ['name: "abc', /prototxt 1:7: unterminated string/],
    ['input_dim: 1.5', /prototxt 1:12: field 'input_dim' expects an integer, got '1.5'/],
    ['input_dim: 99999999999', /prototxt 1:12: 99999999999 is out of range for field 'input_dim'/],
    [
      'layer { convolution_param { num_output: -1 } }',
      /prototxt 1:41: -1 is out of range for field 'num_output' \(uint32/,
    ],
    [
      'layer { pooling_param { pool: MIN } }',
      /prototxt 1:31: 'MIN' is not a value of enum caffe.PoolingParameter.PoolMethod .*MAX, AVE, STOCHASTIC/,
    ],
    ['force_backward: maybe', /prototxt 1:17: field 'force_backward' expects true or false/],
    ['name: "a" name: "b"', /prototxt 1:11: non-repeated field 'name' is given twice/],
    ['name: "a" @', /prototxt 1:11: unexpected character "@"/],
    ['input_dim: 12abc', /prototxt 1:12: malformed number/],
    [
      'layer { transform_param { scale: 1 }',
      /prototxt 1:37: unexpected end of file: '}' missing \(message caffe.LayerParameter\)/,
    ],
    ['layer { transform_param { scale: 1', /prototxt 1:35: unexpected end of file inside a block opened at 1:25/],
    ['name: [ "a" ]', /prototxt 1:7: field 'name' is not repeated/],
  ])('row 10: %j is a ModelFormatError with line:column', async (text, message) => {
    const error = await expectLastmileError(() => parsePrototxt(text), ErrorCodes.ModelFormat, message);
    expect(error.details.line).toBeTypeOf('number');
    expect(error.details.column).toBeTypeOf('number');
  });
});
