import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readlinkSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import file, { planFile, type FileModuleState } from '../../../src/modules/file.js';
import { LocalShellConnection, makeContext, runModule } from './fakeConnection.js';

const HOSTILE = `we ird'"$(touch PWNED);x\`id\`\nline`;
const existing = (over: Partial<{ type: 'file' | 'directory' | 'link'; mode: number; owner: string; group: string; linkTarget: string; inode: number }> = {}) => ({
  exists: true as const, type: over.type ?? 'file', mode: over.mode ?? 0o644, uid: 0, gid: 0, owner: over.owner ?? 'root', group: over.group ?? 'root',
  size: 3, mtime: 1, inode: over.inode ?? 1, device: 1, ...(over.linkTarget ? { linkTarget: over.linkTarget } : {}),
});
const state = (self: FileModuleState['self'], extra: Partial<FileModuleState> = {}): FileModuleState => ({ path: '/p', self, check: false, ...extra });

test('file plan table: what a user asks vs what is there', () => {
  const cases: { name: string; args: Record<string, unknown>; current: FileModuleState; expect: string[] }[] = [
    { name: 'directory missing', args: { path: '/p', state: 'directory' }, current: state({ exists: false }), expect: ['create directory /p'] },
    { name: 'directory there', args: { path: '/p', state: 'directory', mode: '0755' }, current: state(existing({ type: 'directory', mode: 0o755 })), expect: [] },
    { name: 'mode differs', args: { path: '/p', mode: '0600' }, current: state(existing({ mode: 0o644 })), expect: ['/p: mode: 0644 → 0600'] },
    { name: 'symbolic mode already true', args: { path: '/p', mode: 'u+rw,go-w' }, current: state(existing({ mode: 0o644 })), expect: [] },
    { name: 'symbolic mode changes', args: { path: '/p', mode: 'g+w' }, current: state(existing({ mode: 0o644 })), expect: ['/p: mode: 0644 → 0664'] },
    { name: 'owner by uid matches', args: { path: '/p', owner: '0' }, current: state(existing()), expect: [] },
    { name: 'owner differs', args: { path: '/p', owner: 'redis' }, current: state(existing()), expect: ['/p: owner: root → redis'] },
    { name: 'absent removes', args: { path: '/p', state: 'absent' }, current: state(existing()), expect: ['remove /p'] },
    { name: 'absent when gone', args: { path: '/p', state: 'absent' }, current: state({ exists: false }), expect: [] },
    { name: 'link missing', args: { path: '/p', state: 'link', src: '/t' }, current: state({ exists: false }), expect: ['link /p → /t'] },
    { name: 'link right', args: { path: '/p', state: 'link', src: '/t' }, current: state(existing({ type: 'link', linkTarget: '/t' })), expect: [] },
    { name: 'link wrong target', args: { path: '/p', state: 'link', src: '/t' }, current: state(existing({ type: 'link', linkTarget: '/old' })), expect: ['link /p → /t'] },
    { name: 'touch existing changes times', args: { path: '/p', state: 'touch' }, current: state(existing()), expect: ['touch /p'] },
    { name: 'touch preserving is ok', args: { path: '/p', state: 'touch', access_time: 'preserve', modification_time: 'preserve' }, current: state(existing()), expect: [] },
    { name: 'hard link same inode', args: { path: '/p', state: 'hard', src: '/s' }, current: state(existing({ inode: 7 }), { src: existing({ inode: 7 }) }), expect: [] },
    { name: 'missing file in check mode is planned', args: { path: '/p', state: 'file' }, current: state({ exists: false }, { check: true }), expect: ['/p: set attributes (not there yet: assumed to be created by an earlier task)'] },
  ];
  for (const c of cases) {
    assert.deepEqual(planFile(c.current, c.args as never).changes.map((x) => x.summary), c.expect, c.name);
  }
});

test('file plan errors speak to the user', () => {
  assert.throws(() => planFile(state({ exists: false }), { path: '/p', state: 'file' }), /file \/p is absent, cannot continue/);
  assert.throws(() => planFile(state(existing()), { path: '/p', state: 'link', src: '/t' }), /use force: true/);
  assert.throws(() => planFile(state(existing()), { path: '/p', state: 'directory' }), /is a file, not a directory/);
});

test('file recursive mode plans one change covering the entries that differ', () => {
  const tree = [
    { mode: 0o755, type: 'directory' as const, uid: 0, gid: 0, owner: 'root', group: 'root' },
    { mode: 0o600, type: 'file' as const, uid: 0, gid: 0, owner: 'root', group: 'root' },
  ];
  const plan = planFile(state(existing({ type: 'directory', mode: 0o755 }), { tree }), { path: '/p', state: 'directory', recurse: true, mode: 'u=rwX,go=rX' });
  assert.deepEqual(plan.changes.map((c) => c.summary), ['/p: set mode u=rwX,go=rX on 1 entry (recursive)']);
});

test('file on a real filesystem: create, idempotent second run, check mode, hostile names, links, absent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-file-'));
  const conn = new LocalShellConnection();
  const ctx = makeContext(conn);
  const target = join(dir, HOSTILE);
  const check = await runModule(file, { path: target, state: 'directory', mode: '0750' }, makeContext(conn, { check: true }));
  assert.equal(check.changed, true);
  assert.equal(existsSync(target), false, 'check mode created the folder');
  const first = await runModule(file, { path: target, state: 'directory', mode: '0750' }, ctx);
  assert.equal(first.changed, true);
  assert.ok(statSync(target).isDirectory());
  assert.equal(statSync(target).mode & 0o7777, 0o750);
  assert.equal(existsSync(join(dir, 'PWNED')) || existsSync('PWNED'), false, 'a $() in the name ran');
  const second = await runModule(file, { path: target, state: 'directory', mode: '0750' }, ctx);
  assert.equal(second.changed, false);

  const f = join(target, 'f');
  writeFileSync(f, 'x');
  const chmod = await runModule(file, { path: f, mode: 'u=rw,g=r,o=' }, ctx);
  assert.match(chmod.plan.changes[0]!.summary, /mode: 0644 → 0640$/);
  assert.equal(statSync(f).mode & 0o777, 0o640);

  const link = join(dir, 'link;$(x)');
  await runModule(file, { path: link, state: 'link', src: f }, ctx);
  assert.equal(readlinkSync(link), f);
  assert.equal((await runModule(file, { path: link, state: 'link', src: f }, ctx)).changed, false);

  const touched = join(dir, 'new file');
  await runModule(file, { path: touched, state: 'touch', mode: '0600' }, ctx);
  assert.equal(statSync(touched).mode & 0o777, 0o600);

  mkdirSync(join(target, 'sub'));
  writeFileSync(join(target, 'sub', 'g'), 'y');
  const rec = await runModule(file, { path: target, state: 'directory', recurse: true, mode: 'u=rwX,go=rX' }, ctx);
  assert.equal(rec.changed, true);
  assert.equal(statSync(join(target, 'sub', 'g')).mode & 0o777, 0o644);
  assert.equal(statSync(join(target, 'sub')).mode & 0o777, 0o755);
  assert.equal((await runModule(file, { path: target, state: 'directory', recurse: true, mode: 'u=rwX,go=rX' }, ctx)).changed, false);

  await runModule(file, { path: target, state: 'absent' }, ctx);
  assert.equal(existsSync(target), false);
  assert.equal(lstatSync(link).isSymbolicLink(), true);
});
