/**
 * The CLI binary against real hosts, as a user runs it (no terminal): become with the inventory's password
 * that never shows in `ps` or --json, host keys, --check/--diff, --limit/--tags/--start-at-task, and
 * --slice runs merged by `recap-merge`.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useLab, type LabHandle, type LabHost } from './harness.js';
import { ensureCli, jsonEvents, labInventory, runCli, scratch, startCli, write } from './executor-support.js';
import { hostLookupName } from '../../src/connect/knownHosts.js';
import type { RunEvent } from '../../src/core/events.js';

let lab: LabHandle;
let dir: string;
let H0: LabHost;
let H1: LabHost;
let H2: LabHost;

before(async () => {
  lab = await useLab({ hosts: 3 });
  [H0, H1, H2] = lab.hosts as [LabHost, LabHost, LabHost];
  dir = scratch('lab-cli');
  ensureCli();
});

/** [task, host, status] of each host:result. */
function outcomes(events: RunEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'host:result' ? [`${e.task.name}@${e.host}:${e.result.status}`] : []));
}

function stdoutOf(events: RunEvent[], task: string, host: string): unknown {
  const e = events.find((x) => x.type === 'host:result' && x.task.name === task && x.host === host);
  return e?.type === 'host:result' && e.result.status !== 'unreachable' ? e.result.data.stdout : undefined;
}

test('become as the sudo user with the inventory password: root and another user; the password is in no process and not in --json', async () => {
  const inventory = labInventory(lab, dir, 'become-inventory.yml', {
    hostVars: { [H0.name]: { ansible_user: lab.sudoUser, ansible_become_password: '{{ lab_sudo_password }}' } },
  });
  const playbook = write(dir, 'become.yml', `
- hosts: ${H0.name}
  gather_facts: false
  tasks:
    - name: plain
      command: id -un
    - name: as root
      command: id -un
      become: true
    - name: as nobody
      command: id -un
      become: true
      become_user: nobody
    - name: long
      command: sleep 2
      become: true
`);
  const cli = startCli([playbook, '-i', inventory, '--json'], dir);
  await cli.waitFor(/"type":"task:start"[^\n]*"name":"long"/);
  // Every command line and environment on the host while sudo runs the long task.
  let seen = '';
  for (let i = 0; i < 10 && !/sleep 2/.test(seen); i++) {
    const r = await lab.exec(H0.name, 'for f in /proc/[0-9]*/cmdline /proc/[0-9]*/environ; do tr "\\000" " " < $f 2>/dev/null; echo; done');
    seen = r.stdout;
  }
  const run = await cli.done;
  assert.equal(run.code, 0, run.stderr);
  assert.match(seen, /sleep 2/, 'the long task was not seen running');
  assert.ok(!seen.includes(lab.sudoPassword), 'the sudo password is visible in a process on the host');
  assert.ok(!run.stdout.includes(lab.sudoPassword), 'the sudo password is in the --json output');
  const events = jsonEvents(run.stdout);
  assert.equal(stdoutOf(events, 'plain', H0.name), lab.sudoUser);
  assert.equal(stdoutOf(events, 'as root', H0.name), 'root');
  assert.equal(stdoutOf(events, 'as nobody', H0.name), 'nobody');
});

test('--ask-become-pass without a terminal is refused before any host is contacted', async () => {
  const playbook = write(dir, 'ask.yml', `
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
`);
  const run = await runCli([playbook, '-i', lab.inventoryPath, '--ask-become-pass'], dir);
  assert.equal(run.code, 5);
  assert.match(run.stderr, /BECOME password: needs a terminal/);
  assert.doesNotMatch(run.stdout, /PLAY|TASK/);
});

test('host keys: a changed key is refused naming file:line (exit 4) even with accept-new, which records an unknown host', async () => {
  // Only the known_hosts files given with --known-hosts: the lab's own file is dropped from the inventory.
  const inventory = labInventory(lab, dir, 'hk-inventory.yml', { dropVars: ['run_playbook_known_hosts', 'ansible_ssh_common_args'] });
  const keyFile = join(dir, 'other-key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
  const otherKey = readFileSync(`${keyFile}.pub`, 'utf8').split(/\s+/).slice(0, 2).join(' ');
  const known = join(dir, 'altered_known_hosts');
  writeFileSync(known, `# altered copy\n${hostLookupName(H0.address, H0.port)} ${otherKey}\n`);
  const playbook = write(dir, 'hk.yml', `
- hosts: ${H0.name},${H1.name}
  gather_facts: false
  tasks:
    - name: reach
      command: hostname
`);
  const run = await runCli([playbook, '-i', inventory, '--known-hosts', known, '--host-key-checking', 'accept-new'], dir);
  assert.equal(run.code, 4, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`UNREACHABLE[^\\n]*HOST KEY CHANGED for ${H0.name}[^\\n]*${known.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2`));
  assert.match(run.stdout, new RegExp(`changed: \\[${H1.name}\\]`));
  const lines = readFileSync(known, 'utf8').trim().split('\n');
  assert.equal(lines.length, 3, 'only the unknown host was added');
  assert.equal(lines[1]?.split(' ').slice(1).join(' '), otherKey, 'the changed host\'s line was left alone');
  // What accept-new recorded is the host's real key: strict checking against that file alone now connects.
  const strict = await runCli([playbook, '-i', inventory, '--known-hosts', known, '--limit', H1.name], dir);
  assert.equal(strict.code, 0, strict.stdout + strict.stderr);
});

test('--check changes nothing on the host and --diff shows what would change; the real run then changes it', async () => {
  const file = '/tmp/rp-cli-check.txt';
  const reset = await lab.exec(H0.name, `rm -rf /tmp/rp-cli-check.*; printf 'old line\\n' > ${file}`);
  assert.equal(reset.code, 0, reset.stderr);
  const playbook = write(dir, 'check.yml', `
- hosts: ${H0.name}
  gather_facts: false
  tasks:
    - name: content
      copy: { content: "new line\\n", dest: ${file} }
    - name: folder
      file: { path: /tmp/rp-cli-check.d, state: directory }
    - name: a line
      lineinfile: { path: ${file}, line: added }
    - name: a command
      command: touch /tmp/rp-cli-check.touched
`);
  const state = async (): Promise<string> => (await lab.exec(H0.name, `cat ${file}; ls -d /tmp/rp-cli-check.* | sort`)).stdout;
  const before = await state();
  const check = await runCli([playbook, '-i', lab.inventoryPath, '--check', '--diff'], dir);
  assert.equal(check.code, 0, check.stderr);
  assert.equal(await state(), before, 'the check run changed the host');
  assert.match(check.stdout, /-old line\n\+new line/);
  assert.match(check.stdout, /\+added/);
  assert.match(check.stdout, /TASK \[a command\][^\n]*\n+skipping: /);
  assert.match(check.stdout, new RegExp(`${H0.name}\\s+: ok=3\\s+changed=3\\s+unreachable=0\\s+failed=0\\s+skipped=1`));
  const real = await runCli([playbook, '-i', lab.inventoryPath], dir);
  assert.equal(real.code, 0, real.stderr);
  assert.equal(await state(), `new line\nadded\n/tmp/rp-cli-check.d\n/tmp/rp-cli-check.touched\n/tmp/rp-cli-check.txt\n`);
  await lab.exec(H0.name, 'rm -rf /tmp/rp-cli-check.*');
});

test('--limit, --tags and --start-at-task pick the hosts and tasks that run', async () => {
  const playbook = write(dir, 'select.yml', `
- hosts: all
  gather_facts: false
  tasks:
    - name: one
      command: "true"
      tags: [a]
    - name: two
      command: "true"
      tags: [b]
    - name: three
      command: "true"
      tags: [a, b]
`);
  const ran = async (...flags: string[]): Promise<string[]> => {
    const run = await runCli([playbook, '-i', lab.inventoryPath, '--json', ...flags], dir);
    assert.equal(run.code, 0, run.stderr);
    return outcomes(jsonEvents(run.stdout)).map((o) => o.replace(/:changed$/, '')).sort();
  };
  const all = [H0, H1, H2].map((h) => h.name);
  const [limited, tagged, started] = await Promise.all([ran('--limit', H1.name), ran('--tags', 'a'), ran('--start-at-task', 'two')]);
  assert.deepEqual(limited, ['one', 'three', 'two'].map((t) => `${t}@${H1.name}`));
  assert.deepEqual(tagged, all.flatMap((h) => [`one@${h}`, `three@${h}`]).sort());
  assert.deepEqual(started, all.flatMap((h) => [`three@${h}`, `two@${h}`]).sort());
});

test('-b/--become-user are defaults a play overrides; --ssh-common-args is read as ssh would read it', async () => {
  const playbook = write(dir, 'become-flags.yml', `
- hosts: ${H0.name}
  gather_facts: false
  tasks:
    - name: by flag
      command: id -un
- hosts: ${H0.name}
  gather_facts: false
  become: false
  tasks:
    - name: by play
      command: id -un
`);
  // the lab inventory names its known_hosts in ansible_ssh_common_args too; a contradicting flag is the lower level
  const run = await runCli([playbook, '-i', lab.inventoryPath, '--json', '-b', '--become-user', 'nobody', '--ssh-common-args', '-o StrictHostKeyChecking=no'], dir);
  assert.equal(run.code, 0, run.stderr);
  const events = jsonEvents(run.stdout);
  assert.equal(stdoutOf(events, 'by flag', H0.name), 'nobody');
  assert.equal(stdoutOf(events, 'by play', H0.name), 'root', 'the play says become: false');
});

test('--slice 1/2 and 2/2 share the hosts; recap-merge gives one recap of all of them and the run\'s exit code', async () => {
  const playbook = write(dir, 'slice.yml', `
- hosts: all
  gather_facts: false
  tasks:
    - name: work
      command: "true"
    - name: breaks on one host
      fail: { msg: boom }
      when: (eq inventory_hostname "${H1.name}")
`);
  const slices = await Promise.all(['1/2', '2/2'].map((s) => runCli([playbook, '-i', lab.inventoryPath, '--json', '--slice', s], dir)));
  const files = slices.map((run, i) => {
    assert.ok(run.code === 0 || run.code === 2, run.stderr);
    return write(dir, `slice${i + 1}.jsonl`, run.stdout);
  });
  const hostsOf = (stdout: string): string[] => [...new Set(outcomes(jsonEvents(stdout)).map((o) => o.split('@')[1]!.split(':')[0]!))];
  const [a, b] = slices.map((s) => hostsOf(s.stdout)) as [string[], string[]];
  assert.ok(a.length > 0 && b.length > 0, `both slices have hosts: ${a} | ${b}`);
  assert.deepEqual([...a, ...b].sort(), [H0.name, H1.name, H2.name].sort(), 'each host in exactly one slice');
  assert.equal(slices.find((_, i) => [a, b][i]!.includes(H1.name))!.code, 2);
  const merged = await runCli(['recap-merge', ...files], dir);
  assert.equal(merged.code, 2);
  assert.match(merged.stdout, /PLAY RECAP/);
  for (const h of [H0, H2]) assert.match(merged.stdout, new RegExp(`${h.name}\\s+: ok=1\\s+changed=1\\s+unreachable=0\\s+failed=0\\s+skipped=1`));
  assert.match(merged.stdout, new RegExp(`${H1.name}\\s+: ok=1\\s+changed=1\\s+unreachable=0\\s+failed=1\\s+skipped=0`));
  const good = await runCli(['recap-merge', files[a.includes(H1.name) ? 1 : 0]!], dir);
  assert.equal(good.code, 0, 'a merge without the failed host exits 0');
});
