import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorEnabled } from '../../../src/report/colors.js';

test('colour on a terminal, off when piped', () => {
  assert.equal(colorEnabled({ isTTY: true }, {}), true);
  assert.equal(colorEnabled({ isTTY: false }, {}), false);
  assert.equal(colorEnabled({}, {}), false);
});

test('NO_COLOR turns colour off even on a terminal and even with FORCE_COLOR', () => {
  assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' }), false);
  // no-color.org: an empty NO_COLOR does not count.
  assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '' }), true);
});

test('FORCE_COLOR forces colour into a pipe; FORCE_COLOR=0 turns it off', () => {
  assert.equal(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' }), true);
  assert.equal(colorEnabled({ isTTY: false }, { FORCE_COLOR: '' }), true);
  assert.equal(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' }), false);
  assert.equal(colorEnabled({ isTTY: true }, { TERM: 'dumb' }), false);
});
