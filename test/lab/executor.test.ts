/**
 * The executor against real hosts, through runPlaybook: what a command prints comes back exact however hostile,
 * and the play machinery (handlers, serial, free, any_errors_fatal, max_fail_percentage, delegate_to, run_once,
 * until, pause, facts) behaves as Ansible's does on the same hosts.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { useLab, type LabHandle } from './harness.js';
import { play, scratch } from './executor-support.js';

let lab: LabHandle;
let dir: string;
let H0: string;
let H1: string;
let H2: string;

before(async () => {
  lab = await useLab({ hosts: 3 });
  [H0, H1, H2] = lab.hosts.map((h) => h.name) as [string, string, string];
  dir = scratch('lab-exec');
});

async function onHost(host: string, command: string): Promise<string> {
  const r = await lab.exec(host, command);
  assert.equal(r.code, 0, `${host}: ${command}: ${r.stderr}`);
  return r.stdout;
}

const LOOKALIKE = '<RPEND-0123456789abcdef0123456789abcdef>';

test('framing: marker look-alikes, binary bytes, no final newline and 50 MB of stdout come back exact', async () => {
  const line = `${LOOKALIKE}0 RP-READY /tmp/.rp-sh-x - __rp_rc=0 ${'y'.repeat(40)}`;
  const bigSize = 50 * 1024 * 1024 + 7; // not a whole number of lines: the last one has no newline
  const r = await play(dir, lab.inventoryPath, `
- hosts: ${H0}
  gather_facts: false
  tasks:
    - name: hostile
      shell: |
        printf '%s0\\nRP-READY /tmp/x -\\n' '${LOOKALIKE}'
        printf '<RPEND-'; printf 'ffffffffffffffffffffffffffffffff>7\\n'
        printf '%s1' '${LOOKALIKE}' >&2
        printf '\\000\\001\\002\\377\\376 caf\\303\\251 \\342\\202\\254 end'
        exit 7
      failed_when: false
    - name: trailing newlines kept
      shell:
        cmd: printf 'a\\n\\n'
        strip_empty_ends: false
    - name: big
      shell: yes '${line}' | head -c ${bigSize}
    - name: after
      command: echo still in step
`);
  assert.equal(r.result.exitCode, 0, JSON.stringify(r.results));
  const hostile = r.data('hostile', H0);
  const expected = Buffer.concat([
    Buffer.from(`${LOOKALIKE}0\nRP-READY /tmp/x -\n<RPEND-ffffffffffffffffffffffffffffffff>7\n`),
    Buffer.from([0, 1, 2, 0xff, 0xfe]),
    Buffer.from(' café € end'),
  ]).toString('utf8');
  assert.equal(hostile.rc, 7);
  assert.equal(hostile.stdout, expected);
  assert.equal(hostile.stderr, `${LOOKALIKE}1`);
  assert.equal(r.data('trailing newlines kept', H0).stdout, 'a\n\n');
  const big = r.data('big', H0).stdout as string;
  const want = `${line}\n`.repeat(Math.ceil(bigSize / (line.length + 1))).slice(0, bigSize);
  assert.equal(big.length, bigSize);
  assert.ok(big === want, 'the 50 MB stdout differs from what the host printed');
  assert.equal(r.data('after', H0).stdout, 'still in step');
});

test('handlers run in the order defined, once, only where notified by a change; flush_handlers runs them mid-play', async () => {
  const log = '/tmp/rp-exec-handlers.log';
  const r = await play(dir, lab.inventoryPath, `
- hosts: ${H0},${H1}
  gather_facts: false
  handlers:
    - name: first
      shell: echo first >> ${log}
    - name: second
      shell: echo second >> ${log}
    - name: third
      listen: topic
      shell: echo third >> ${log}
  tasks:
    - name: reset
      shell: echo start > ${log}
    - name: t1
      shell: echo t1 >> ${log}
      notify: [second, first]
    - meta: flush_handlers
    - name: t2
      shell: echo t2 >> ${log}
      notify: topic
    - name: unchanged
      command: "true"
      changed_when: false
      notify: first
    - name: t3
      shell: echo t3 >> ${log}
      notify: [second, second]
      when: (eq inventory_hostname "${H1}")
`);
  assert.equal(r.result.exitCode, 0);
  assert.deepEqual((await onHost(H0, `cat ${log}`)).split('\n').filter(Boolean), ['start', 't1', 'first', 'second', 't2', 'third']);
  assert.deepEqual((await onHost(H1, `cat ${log}`)).split('\n').filter(Boolean), ['start', 't1', 'first', 'second', 't2', 't3', 'second', 'third']);
  await onHost(H0, `rm -f ${log}`);
  await onHost(H1, `rm -f ${log}`);
});

test('serial batches run the whole play batch after batch; free lets a fast host run ahead', async () => {
  const serial = await play(dir, lab.inventoryPath, `
- hosts: all
  gather_facts: false
  serial: [1, 2]
  tasks:
    - name: s1
      command: "true"
    - name: s2
      command: "true"
`);
  const batches = serial.events.flatMap((e) => (e.type === 'batch:start' ? [e.hosts] : []));
  assert.deepEqual(batches, [[H0], [H1, H2]]);
  const order = serial.results.map(([task, host]) => `${task}@${host}`);
  assert.deepEqual(order.slice(0, 2), [`s1@${H0}`, `s2@${H0}`]);
  assert.deepEqual(new Set(order.slice(2, 4)), new Set([`s1@${H1}`, `s1@${H2}`]));
  assert.deepEqual(new Set(order.slice(4)), new Set([`s2@${H1}`, `s2@${H2}`]));

  const free = await play(dir, lab.inventoryPath, `
- hosts: all
  gather_facts: false
  strategy: free
  tasks:
    - name: nap
      command: 'sleep {{ ternary (eq inventory_hostname "${H0}") 1 0 }}'
    - name: after nap
      command: "true"
`);
  const at = (task: string, host: string): number => free.results.findIndex(([t, h]) => t === task && h === host);
  assert.equal(free.result.exitCode, 0);
  assert.ok(at('after nap', H1) < at('nap', H0) && at('after nap', H2) < at('nap', H0), JSON.stringify(free.results));
});

test('any_errors_fatal and a batch that failed entirely end the run, later plays included (as ansible-playbook)', async () => {
  const laterPlay = `
- hosts: all
  gather_facts: false
  tasks:
    - name: later play
      command: "true"
`;
  const fatal = await play(dir, lab.inventoryPath, `
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - name: breaks
      fail: { msg: boom }
      when: (eq inventory_hostname "${H1}")
    - name: after
      command: "true"
${laterPlay}`);
  assert.equal(fatal.result.exitCode, 2);
  assert.deepEqual(fatal.results.map(([t, h, s]) => `${t}@${h}:${s}`).sort(), [`breaks@${H0}:skipped`, `breaks@${H1}:failed`, `breaks@${H2}:skipped`]);

  const rolling = await play(dir, lab.inventoryPath, `
- hosts: all
  gather_facts: false
  serial: 1
  tasks:
    - name: breaks
      fail: { msg: boom }
      when: (eq inventory_hostname "${H0}")
${laterPlay}`);
  assert.equal(rolling.result.exitCode, 2);
  assert.deepEqual(rolling.results.map(([t, h, s]) => `${t}@${h}:${s}`), [`breaks@${H0}:failed`], 'the next batches must not start');
});

test('meta: end_play under serial ends the remaining batches too; the next play runs', async () => {
  const r = await play(dir, lab.inventoryPath, `
- hosts: all
  gather_facts: false
  serial: 1
  tasks:
    - meta: end_play
    - name: never
      command: "true"
- hosts: ${H2}
  gather_facts: false
  tasks:
    - name: next play
      command: "true"
`);
  assert.equal(r.result.exitCode, 0);
  assert.deepEqual(r.events.flatMap((e) => (e.type === 'batch:start' ? [e.hosts] : [])), [[H0]]);
  assert.deepEqual(r.results.filter(([t]) => t !== 'meta').map(([t, h]) => `${t}@${h}`), [`next play@${H2}`]);
});

test('max_fail_percentage: a share of failures above it stops the play, at or below it the others go on', async () => {
  const yaml = (pct: number): string => `
- hosts: all
  gather_facts: false
  max_fail_percentage: ${pct}
  tasks:
    - name: breaks
      fail: { msg: boom }
      when: (eq inventory_hostname "${H2}")
    - name: after
      command: "true"
`;
  const stopped = await play(dir, lab.inventoryPath, yaml(30));
  assert.equal(stopped.results.filter(([t]) => t === 'after').length, 0);
  assert.equal(stopped.result.exitCode, 2);
  const goesOn = await play(dir, lab.inventoryPath, yaml(34));
  assert.deepEqual(goesOn.results.filter(([t]) => t === 'after').map(([, h]) => h).sort(), [H0, H1].sort());
});

test('delegate_to another host and to localhost, run_once, until/retries', async () => {
  await onHost(H0, 'rm -f /tmp/rp-exec-until');
  await onHost(H1, 'rm -f /tmp/rp-exec-until');
  const r = await play(dir, lab.inventoryPath, `
- hosts: ${H0},${H1}
  gather_facts: false
  tasks:
    - name: delegated
      shell: hostname > /tmp/rp-exec-delegated-{{ inventory_hostname }}
      delegate_to: ${H2}
    - name: on the controller
      command: hostname
      delegate_to: localhost
    - name: once
      command: hostname
      run_once: true
      register: once
    - name: seen by all
      debug:
        msg: "{{ once.stdout }}"
    - name: retried
      shell: echo x >> /tmp/rp-exec-until; wc -l < /tmp/rp-exec-until
      register: counted
      until: (eq counted.stdout "3")
      retries: 5
      delay: 0
`);
  assert.equal(r.result.exitCode, 0, JSON.stringify(r.results));
  const h2name = (await onHost(H2, 'hostname')).trim();
  for (const h of [H0, H1]) {
    assert.equal((await onHost(H2, `cat /tmp/rp-exec-delegated-${h}`)).trim(), h2name);
    assert.equal((await lab.exec(h, `test -e /tmp/rp-exec-delegated-${h}`)).code, 1, 'the delegated command ran on the task host');
    assert.equal(r.data('on the controller', h).stdout, hostname());
    assert.equal(r.data('retried', h).attempts, 3);
    assert.equal(r.data('retried', h).stdout, '3');
  }
  const delegated = r.events.filter((e) => e.type === 'host:result' && e.task.name === 'delegated');
  assert.ok(delegated.every((e) => e.type === 'host:result' && e.delegatedTo === H2));
  assert.equal(r.results.filter(([t]) => t === 'once').length, 1);
  const h0name = (await onHost(H0, 'hostname')).trim();
  assert.equal(r.data('seen by all', H1).msg, h0name);
  const retries = r.events.filter((e) => e.type === 'host:log' && /FAILED - RETRYING: retried/.test(e.message));
  assert.equal(retries.length, 4, 'two retries on each host');
  await onHost(H2, 'rm -f /tmp/rp-exec-delegated-*');
  await onHost(H0, 'rm -f /tmp/rp-exec-until');
  await onHost(H1, 'rm -f /tmp/rp-exec-until');
});

test('pause runs once per batch (Ansible bypasses the host loop), not once per host', async () => {
  const r = await play(dir, lab.inventoryPath, `
- hosts: all
  gather_facts: false
  tasks:
    - name: wait
      pause: { seconds: 0.3 }
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - name: wait per batch
      pause: { seconds: 0.3 }
`);
  assert.equal(r.result.exitCode, 0);
  assert.deepEqual(r.results.filter(([t]) => t === 'wait').map(([, h]) => h), [H0]);
  assert.deepEqual(r.results.filter(([t]) => t === 'wait per batch').map(([, h]) => h), [H0, H2]);
});

test('facts: the lab address, Debian, systemd, a container', async () => {
  const r = await play(dir, lab.inventoryPath, `
- hosts: all
  tasks:
    - name: facts
      debug:
        msg:
          ip: "{{ ansible_default_ipv4.address }}"
          distribution: "{{ ansible_distribution }}"
          os_family: "{{ ansible_os_family }}"
          service_mgr: "{{ ansible_service_mgr }}"
          service_manager: "{{ facts.service_manager }}"
          container: "{{ facts.virtualization.container }}"
          role: "{{ ansible_virtualization_role }}"
          hostname: "{{ ansible_hostname }}"
`);
  assert.equal(r.result.exitCode, 0);
  for (const h of lab.hosts) {
    const msg = r.data('facts', h.name).msg as Record<string, unknown>;
    assert.deepEqual(msg, {
      ip: h.address,
      distribution: 'Debian',
      os_family: 'Debian',
      service_mgr: 'systemd',
      service_manager: 'systemd',
      container: true,
      role: 'guest',
      hostname: (await onHost(h.name, 'hostname')).trim(),
    });
  }
});

test('a play that sets another ansible_user logs in as that user, though an earlier play connected as root', async () => {
  const r = await play(dir, lab.inventoryPath, `
- hosts: ${H0}
  gather_facts: false
  tasks:
    - name: first login
      command: id -un
- hosts: ${H0}
  gather_facts: false
  vars:
    ansible_user: ${lab.sudoUser}
  tasks:
    - name: second login
      command: id -un
`);
  assert.equal(r.data('first login', H0).stdout, 'root');
  assert.equal(r.data('second login', H0).stdout, lab.sudoUser);
});
