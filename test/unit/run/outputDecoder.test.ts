import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOutputDecoder } from '../../../src/run/outputDecoder.js';

test('a UTF-8 character split across chunks is streamed whole, per stream', () => {
  const got: Array<[string, string]> = [];
  const d = createOutputDecoder((stream, text) => got.push([stream, text]));
  const euro = Buffer.from('€'); // 3 bytes
  d.push('stdout', Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]));
  d.push('stderr', Buffer.from('e'));
  d.push('stdout', euro.subarray(1));
  d.end();
  assert.deepEqual(got, [['stdout', 'a'], ['stderr', 'e'], ['stdout', '€']]);
});

test('an incomplete character at the end is still shown (as U+FFFD), never lost', () => {
  const got: string[] = [];
  const d = createOutputDecoder((_s, text) => got.push(text));
  d.push('stdout', Buffer.from([0x41, 0xe2, 0x82]));
  d.end();
  assert.equal(got.join(''), 'A\ufffd');
});
