// Hostile values go through each module's real command text into a real /bin/sh, where stub admin tools record
// the argv they receive: every value must arrive as one argument, byte for byte, and nothing may execute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyModule, ModuleContext } from '../../../src/core/registry.js';
import type { CommandResult } from '../../../src/core/connection.js';
import service from '../../../src/modules/service.js';
import apt from '../../../src/modules/apt.js';
import user from '../../../src/modules/user.js';
import group from '../../../src/modules/group.js';
import ufw from '../../../src/modules/ufw.js';
import sysctl from '../../../src/modules/sysctl.js';
import { planUfw } from '../../../src/modules/system/ufwPlan.js';
import { fakeContext } from './fakeConnectionB.js';

const dir = mkdtempSync(join(tmpdir(), 'quoting-b-'));
const marker = join(dir, 'PWNED');
const HOSTILE = `a b'c"d$(touch ${marker});e\`touch ${marker}\`\nf|g&h>i`;
const log = join(dir, 'argv.log');
for (const tool of ['service', 'systemctl', 'dpkg-query', 'apt-cache', 'getent', 'id', 'ufw', 'sysctl', 'useradd', 'groupadd']) {
  const stub = join(dir, tool);
  writeFileSync(stub, `#!/bin/sh\nprintf '%s' "${tool}" >> '${log}'\nfor a in "$@"; do printf '\\036%s' "$a" >> '${log}'; done\nprintf '\\035' >> '${log}'\n`);
  chmodSync(stub, 0o755);
}

/** A context whose run() executes the command text in a real shell with the stubs first on PATH. */
function shellContext(): ModuleContext {
  const fake = fakeContext();
  const run = async (cmd: { text: string }): Promise<CommandResult> => {
    let stdout = '';
    let code = 0;
    try {
      stdout = execFileSync('/bin/sh', ['-c', cmd.text], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (e) {
      code = (e as { status?: number }).status ?? 1;
      stdout = String((e as { stdout?: string }).stdout ?? '');
    }
    return { code, signal: null, stdout: Buffer.from(stdout), stderr: Buffer.alloc(0), durationMs: 0 };
  };
  return { ...fake.ctx, run, conn: { ...fake.ctx.conn, run } };
}

function calls(): string[][] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').split('\x1d').filter((c) => c !== '').map((c) => c.split('\x1e'));
}

async function readOnly(m: AnyModule, args: Record<string, unknown>): Promise<string[][]> {
  rmSync(log, { force: true });
  try {
    await m.read(shellContext(), args);
  } catch {
    // Stubs print nothing, so some reads fail on purpose ("not found"): only the argv matters here.
  }
  return calls();
}

test('service: a hostile unit name reaches systemctl as one argument', async () => {
  const seen = await readOnly(service, { name: HOSTILE, state: 'started' });
  // Which branch runs depends on this machine having systemd; either way the name must arrive whole.
  const show = seen.find((c) => c[0] === 'systemctl' && c[1] === 'show');
  const sysv = seen.find((c) => c[0] === 'service');
  assert.ok(show ?? sysv, 'systemctl show or service status ran');
  if (show) assert.equal(show.at(-1), HOSTILE);
  else assert.deepEqual(sysv, ['service', HOSTILE, 'status']);
  assert.equal(existsSync(marker), false);
});

test('apt: hostile package names reach dpkg-query and apt-cache intact', async () => {
  const seen = await readOnly(apt, { name: [HOSTILE, 'tcl'] });
  assert.deepEqual(seen.find((c) => c[0] === 'dpkg-query')!.slice(-2), [HOSTILE, 'tcl']);
  assert.deepEqual(seen.find((c) => c[0] === 'apt-cache')!.slice(-2), [HOSTILE, 'tcl']);
  assert.equal(existsSync(marker), false);
});

test('user and group: the name reaches getent and id intact', async () => {
  const seen = await readOnly(user, { name: HOSTILE, password: 'x' });
  assert.deepEqual(seen.filter((c) => c[0] === 'getent').map((c) => c.at(-1)), [HOSTILE, HOSTILE]);
  assert.deepEqual(seen.filter((c) => c[0] === 'id').map((c) => c.at(-1)), [HOSTILE, HOSTILE]);
  const g = await readOnly(group, { name: HOSTILE });
  assert.equal(g[0]!.at(-1), HOSTILE);
  assert.equal(existsSync(marker), false);
});

test('ufw and sysctl: a hostile comment and value arrive as data in apply', async () => {
  rmSync(log, { force: true });
  const ctx = shellContext();
  const cur = { installed: true, enabled: false, logLevel: 'low', defaults: { incoming: 'deny' as const, outgoing: 'allow' as const, routed: 'deny' as const, ipv6: false }, rules: [], sshPort: undefined };
  await ufw.apply!(ctx, planUfw(cur, { rule: 'allow', port: '22', proto: 'tcp', comment: HOSTILE }), {}, cur);
  assert.equal(calls()[0]!.at(-1), HOSTILE);
  rmSync(log, { force: true });
  await sysctl.apply!(ctx, { changes: [{ summary: 's', detail: { kind: 'set', value: HOSTILE } }] }, { name: 'kernel.x', value: HOSTILE }, { mode: 0o644 });
  assert.deepEqual(calls()[0], ['sysctl', '-q', '-w', `kernel.x=${HOSTILE}`]);
  assert.equal(existsSync(marker), false);
});
