import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblems } from '../../../src/report/problems.js';

const file = '/proj/site.yml';
const sources = new Map([[file, '- hosts: all\n  tasks:\n    - name: install tools\n      whenn: ready\n']]);

test('a problem is one line path:line:col: message, a code frame with a caret, then the hint', () => {
  const text = formatProblems([{ file, line: 4, col: 7, message: 'unknown key "whenn" on task "install tools" — did you mean "when"?', hint: 'check the spelling' }], { cwd: '/proj', sources });
  assert.equal(
    text,
    [
      'site.yml:4:7: unknown key "whenn" on task "install tools" — did you mean "when"?',
      '  3 |     - name: install tools',
      '  4 |       whenn: ready',
      '    |       ^',
      '  hint: check the spelling',
    ].join('\n'),
  );
});

test('paths outside the working directory stay absolute; color is opt-in', () => {
  const plain = formatProblems([{ file, line: 1, col: 3, message: 'x' }], { cwd: '/elsewhere', sources });
  assert.ok(plain.startsWith('/proj/site.yml:1:3: x'));
  assert.ok(!plain.includes('\u001b['));
  assert.ok(formatProblems([{ file, line: 1, col: 3, message: 'x' }], { cwd: '/proj', sources, color: true }).includes('\u001b[31m'));
});

test('several problems are separated by a blank line; a missing file still prints its line', () => {
  const text = formatProblems([{ file, line: 1, col: 1, message: 'a' }, { file: '/gone.yml', line: 2, col: 1, message: 'b' }], { cwd: '/proj', sources });
  assert.match(text, /^site.yml:1:1: a\n {2}1 \| - hosts: all\n {4}\| \^\n\n\/gone.yml:2:1: b$/);
});
