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

test("Ansible's ANSIBLE_FORCE_COLOR and ANSIBLE_NOCOLOR are honoured; NO_COLOR and FORCE_COLOR come first", () => {
  assert.equal(colorEnabled({ isTTY: false }, { ANSIBLE_FORCE_COLOR: '1' }), true);
  assert.equal(colorEnabled({ isTTY: false }, { ANSIBLE_FORCE_COLOR: 'True' }), true);
  assert.equal(colorEnabled({ isTTY: false }, { ANSIBLE_FORCE_COLOR: 'yes', TERM: 'dumb' }), true);
  assert.equal(colorEnabled({ isTTY: true }, { ANSIBLE_FORCE_COLOR: 'false' }), false);
  assert.equal(colorEnabled({ isTTY: true }, { ANSIBLE_FORCE_COLOR: '' }), true);
  assert.equal(colorEnabled({ isTTY: true }, { ANSIBLE_NOCOLOR: '1' }), false);
  assert.equal(colorEnabled({ isTTY: false }, { ANSIBLE_NOCOLOR: 'true', ANSIBLE_FORCE_COLOR: '1' }), false);
  assert.equal(colorEnabled({ isTTY: false }, { NO_COLOR: '1', ANSIBLE_FORCE_COLOR: '1' }), false);
  assert.equal(colorEnabled({ isTTY: false }, { FORCE_COLOR: '0', ANSIBLE_FORCE_COLOR: '1' }), false);
});
