/**
 * The control modules in a real playbook on the lab: their effects (facts, loaded vars, new groups and hosts, a
 * flushed handler, an ended host or play, a failure) are visible in the tasks and plays that follow.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, type LabHandle } from './harness.js';
import { playbook } from './modules-run.js';

let lab: LabHandle;
const MARK = '/tmp/rp-control-mark';
const HANDLED = '/tmp/rp-control-handled';

before(async () => {
  lab = await useLab({ hosts: 3 });
});

after(async () => {
  for (const h of lab.hosts) await lab.exec(h.name, `rm -f ${MARK} ${HANDLED}`);
});

const hostile = 'it\'s "quoted" $(touch /tmp/rp-pwned-ctl); `id` && rm -rf /nope';

function doc(slave1: string): object[] {
  return [
    {
      name: 'facts and groups',
      hosts: 'lab',
      gather_facts: false,
      tasks: [
        { name: 'fact', set_fact: { rp_marker: '{{ inventory_hostname }}-marked', rp_num: 3, rp_hostile: hostile } },
        { name: 'vars', include_vars: { file: 'rp-extra.yml' } },
        { name: 'show', debug: { msg: '{{ rp_marker }} {{ rp_from_file }}' } },
        { name: 'check', assert: { that: ['(eq rp_num 3)', '(eq rp_from_file "from the file")', '(eq rp_hostile rp_hostile_expected)'], success_msg: 'facts hold' } },
        { name: 'group', group_by: { key: 'rp_{{ inventory_hostname }}' } },
        { name: 'add', add_host: { name: 'rp-alias', ansible_host: slave1, groups: 'rp_added', rp_note: 'added at run time' }, when: '(eq inventory_hostname "redismaster")' },
        { name: 'wait', pause: { seconds: 1 } },
        { name: 'stop slave2', meta: 'end_host', when: '(eq inventory_hostname "redisslave2")' },
        { name: 'mark', command: { cmd: `touch ${MARK}`, creates: MARK } },
      ],
    },
    {
      name: 'the group group_by made',
      hosts: 'rp_redisslave1',
      gather_facts: false,
      tasks: [{ name: 'fact survives', debug: { msg: 'still {{ rp_marker }}' } }],
    },
    {
      name: 'the host add_host made',
      hosts: 'rp_added',
      gather_facts: false,
      tasks: [
        { name: 'who', command: 'hostname', register: 'who' },
        { name: 'note', debug: { var: 'rp_note' } },
      ],
    },
    {
      name: 'handlers and failure',
      hosts: 'redismaster',
      gather_facts: false,
      handlers: [{ name: 'handle', command: `touch ${HANDLED}` }],
      tasks: [
        { name: 'notify', command: 'true', notify: 'handle' },
        { name: 'flush', meta: 'flush_handlers' },
        { name: 'handled', command: `test -e ${HANDLED}` },
        { name: 'stop', fail: { msg: 'rp stops here: {{ rp_marker }}' } },
        { name: 'never', debug: { msg: 'not reached' } },
      ],
    },
  ];
}

test('control modules: facts, vars, groups, hosts, pause, end_host, flush_handlers and fail act on later tasks', async () => {
  const slave1 = lab.hosts.find((h) => h.name === 'redisslave1')!.address;
  const files = { 'rp-extra.yml': `rp_from_file: from the file\nrp_hostile_expected: ${JSON.stringify(hostile)}\n` };
  const started = Date.now();
  const out = await playbook(lab, doc(slave1), { files });
  assert.equal(out.run.exitCode, 2, 'the fail task fails the run');

  assert.equal(out.on('show', 'redisslave1').data['msg'], 'redisslave1-marked from the file');
  assert.equal(out.on('check', 'redismaster').status, 'ok');
  assert.equal(out.on('check', 'redismaster').data['msg'], 'facts hold');
  const paused = out.events.find((e) => e.type === 'host:result' && e.task.name === 'wait');
  assert.ok(paused && paused.type === 'host:result' && paused.durationMs >= 950, 'pause did not wait a second');
  assert.ok(Date.now() - started >= 1000);

  // end_host: redisslave2 ran nothing after it; the others did.
  assert.deepEqual(out.statuses('mark'), { redismaster: 'changed', redisslave1: 'changed' });
  assert.equal((await lab.exec('redisslave2', `test -e ${MARK}`)).code, 1, 'an ended host went on');
  assert.equal((await lab.exec('redisslave1', `test -e ${MARK}`)).code, 0);

  // group_by made one group per host; the fact set in the first play is still there.
  assert.deepEqual(out.statuses('fact survives'), { redisslave1: 'ok' });
  assert.equal(out.on('fact survives', 'redisslave1').data['msg'], 'still redisslave1-marked');

  // add_host: a new inventory name, reached over SSH at the address it was given, with its variables.
  assert.equal(out.on('who', 'rp-alias').data['stdout'], 'redisslave1');
  assert.equal(out.on('note', 'rp-alias').data['rp_note'], 'added at run time');

  // flush_handlers ran the handler before the next task; fail stopped the host with its message.
  assert.equal(out.on('handled', 'redismaster').status, 'changed');
  assert.equal(out.on('stop', 'redismaster').status, 'failed');
  assert.equal(out.on('stop', 'redismaster').msg, 'rp stops here: redismaster-marked');
  assert.deepEqual(out.statuses('never'), {});
  assert.equal((await lab.exec('redismaster', 'ls /tmp/rp-pwned* 2>/dev/null')).stdout, '', 'a fact ran as shell');
});

test('control modules under --check: they still run (facts, asserts, groups); commands are only planned', async () => {
  for (const h of lab.hosts) await lab.exec(h.name, `rm -f ${MARK} ${HANDLED}`);
  const slave1 = lab.hosts.find((h) => h.name === 'redisslave1')!.address;
  const files = { 'rp-extra.yml': `rp_from_file: from the file\nrp_hostile_expected: ${JSON.stringify(hostile)}\n` };
  const out = await playbook(lab, doc(slave1), { files, check: true });
  assert.equal(out.on('show', 'redismaster').data['msg'], 'redismaster-marked from the file');
  assert.equal(out.on('check', 'redisslave2').status, 'ok');
  assert.equal(out.on('fact survives', 'redisslave1').data['msg'], 'still redisslave1-marked');
  assert.equal(out.on('mark', 'redismaster').status, 'changed');
  assert.equal((await lab.exec('redismaster', `test -e ${MARK}`)).code, 1, '--check ran a command');
  assert.equal(out.on('stop', 'redismaster').status, 'failed');
});
