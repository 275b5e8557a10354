/**
 * Faults through the engine and the CLI: a target only a bastion can reach (jump host from inventory vars),
 * Ctrl-C once (finish what runs, start nothing, recap, exit 99) and twice (abort what runs), and a host that
 * stops in the middle of a task while the others finish.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { useLab, type LabHandle, type LabHost } from './harness.js';
import { ensureCli, labInventory, play, scratch, startCli, write } from './executor-support.js';

let lab: LabHandle;
let dir: string;
let H0: LabHost;
let H1: LabHost;
let H2: LabHost;

before(async () => {
  lab = await useLab({ hosts: 3 });
  [H0, H1, H2] = lab.hosts as [LabHost, LabHost, LabHost];
  dir = scratch('lab-faults');
  ensureCli();
});

/** The controller's own address as the hosts see it. */
async function controllerAddress(h: LabHost): Promise<string> {
  return await new Promise((resolve, reject) => {
    const s = connect(h.port, h.address, () => {
      resolve(s.localAddress ?? '');
      s.destroy();
    });
    s.on('error', reject);
  });
}

async function sh(host: LabHost, command: string): Promise<string> {
  const r = await lab.exec(host.name, command);
  assert.equal(r.code, 0, `${host.name}: ${command}: ${r.stderr}`);
  return r.stdout;
}

test('jump host from inventory vars (ansible_ssh_common_args -J, jump_host): targets the controller cannot reach', async () => {
  const me = await controllerAddress(H1);
  const inventory = labInventory(lab, dir, 'jump-inventory.yml', {
    hostVars: {
      [H1.name]: { jump_host: `root@${H0.address}` },
      [H2.name]: { ansible_ssh_common_args: `-J root@${H0.address}` },
    },
  });
  // Replies to the controller vanish on both targets; only the bastion (another address) still reaches them.
  for (const h of [H1, H2]) await sh(h, `ip route add blackhole ${me}/32`);
  try {
    const r = await play(dir, inventory, `
- hosts: ${H1.name},${H2.name}
  gather_facts: false
  tasks:
    - name: from where
      shell: echo $SSH_CONNECTION
`, { connectTimeoutMs: 3000 });
    assert.equal(r.result.exitCode, 0, JSON.stringify(r.result.tasks));
    for (const h of [H1, H2]) assert.equal(String(r.data('from where', h.name).stdout).split(' ')[0], H0.address, `${h.name} was not reached through the bastion`);
  } finally {
    for (const h of [H1, H2]) await lab.exec(h.name, `ip route del blackhole ${me}/32`);
  }
});

const slowPlaybook = (seconds: number): string => `
- hosts: ${H0.name},${H1.name}
  gather_facts: false
  tasks:
    - name: slow
      shell: sleep ${seconds}; touch /tmp/rp-faults-slow-done
    - name: next
      shell: touch /tmp/rp-faults-next
`;

const exists = async (h: LabHost, path: string): Promise<boolean> => (await lab.exec(h.name, `test -e ${path}`)).code === 0;

test('Ctrl-C: the running command finishes, no new task starts, the recap is printed, exit 99', async () => {
  for (const h of [H0, H1]) await sh(h, 'rm -f /tmp/rp-faults-*');
  const cli = startCli([write(dir, 'slow1.yml', slowPlaybook(1.5)), '-i', lab.inventoryPath], dir);
  await cli.waitFor(/TASK \[slow\]/);
  await new Promise((r) => setTimeout(r, 300));
  cli.child.kill('SIGINT');
  const run = await cli.done;
  assert.equal(run.code, 99, run.stdout + run.stderr);
  assert.match(run.stderr, /interrupted/);
  assert.match(run.stdout, new RegExp(`changed: \\[${H0.name}\\]`));
  assert.doesNotMatch(run.stdout, /TASK \[next\]/);
  assert.match(run.stdout, /PLAY RECAP/);
  for (const h of [H0, H1]) {
    assert.ok(await exists(h, '/tmp/rp-faults-slow-done'), `the running command was cut short on ${h.name}`);
    assert.ok(!(await exists(h, '/tmp/rp-faults-next')), `a new task started on ${h.name}`);
  }
});

test('Ctrl-C twice: the running command is aborted on the hosts, exit 99 at once', async () => {
  for (const h of [H0, H1]) await sh(h, 'rm -f /tmp/rp-faults-*');
  const cli = startCli([write(dir, 'slow2.yml', slowPlaybook(30)), '-i', lab.inventoryPath], dir);
  await cli.waitFor(/TASK \[slow\]/);
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  cli.child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 200));
  cli.child.kill('SIGINT');
  const run = await cli.done;
  const ms = Date.now() - t0;
  assert.equal(run.code, 99, run.stdout + run.stderr);
  assert.ok(ms < 2000, `took ${ms} ms to stop`); // measured: 0.25 s on an idle machine
  assert.match(run.stdout, /PLAY RECAP/);
  for (const h of [H0, H1]) {
    const left = await lab.exec(h.name, 'pgrep -x sleep');
    assert.equal(left.stdout.trim(), '', `the aborted command still runs on ${h.name}`);
    assert.ok(!(await exists(h, '/tmp/rp-faults-slow-done')) && !(await exists(h, '/tmp/rp-faults-next')));
  }
});

test('a host stopped during a task is reported unreachable, the others finish, exit 4, without waiting for timeouts', async () => {
  const inventory = lab.inventoryPath;
  let stopping: Promise<void> | undefined;
  const t0 = Date.now();
  try {
    const r = await play(dir, inventory, `
- hosts: all
  gather_facts: false
  tasks:
    - name: nap
      command: sleep 2
    - name: after
      command: "true"
`, {
      onEvent: (e) => {
        if (e.type === 'task:start' && e.task.name === 'nap') stopping = new Promise((r) => setTimeout(r, 300)).then(() => lab.stopHost(H2.name));
      },
      connectTimeoutMs: 3000,
    });
    const ms = Date.now() - t0;
    assert.equal(r.result.exitCode, 4, JSON.stringify(r.results));
    assert.deepEqual(r.results.filter(([, h]) => h === H2.name).map(([t, , s]) => `${t}:${s}`), ['nap:unreachable']);
    for (const h of [H0, H1]) assert.deepEqual(r.results.filter(([, x]) => x === h.name).map(([t, , s]) => `${t}:${s}`), ['nap:changed', 'after:changed']);
    const msg = r.events.find((e) => e.type === 'host:unreachable');
    assert.ok(msg?.type === 'host:unreachable' && msg.host === H2.name && msg.msg.length > 0);
    assert.ok(ms < 8000, `the run took ${ms} ms`);
  } finally {
    await stopping;
    await lab.startHost(H2.name);
  }
});

test('Ctrl-C twice while a host is still connecting (network cut): exit 99 at once, not after the connect timeout', async () => {
  const yml = write(dir, 'connecting.yml', `
- hosts: all
  gather_facts: false
  tasks:
    - name: quick
      command: "true"
`);
  await lab.cutNetwork(H2.name);
  try {
    // 20 s to connect: the run must not wait for it once aborted
    const cli = startCli([yml, '-i', lab.inventoryPath, '-e', '{"ansible_ssh_common_args": "-o ConnectTimeout=20 -o UserKnownHostsFile=' + lab.knownHostsPath + '"}'], dir);
    await cli.waitFor(new RegExp(`changed: \\[${H1.name}\\]|changed: \\[${H0.name}\\]`));
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    cli.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    cli.child.kill('SIGINT');
    const run = await cli.done;
    const ms = Date.now() - t0;
    assert.equal(run.code, 99, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`${H2.name}.*UNREACHABLE.*interrupted while connecting`));
    // before the fix: the pending connect ran to its timeout, and its socket kept the process alive after the recap
    assert.ok(ms < 3000, `took ${ms} ms to exit`);
  } finally {
    await lab.restoreNetwork(H2.name);
  }
});
