import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inventory, project, run } from './harness.js';

const pb = (yaml: string): string => yaml.replace(/^\n/, '');

test('linear: each task finishes on every host before the next starts', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b', 'c'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: one
      command: "true"
    - name: two
      command: "true"
`),
  });
  const { events, result } = await run(dir);
  assert.equal(result.exitCode, 0);
  const order = events.filter((e) => e.type === 'host:result').map((e) => (e.type === 'host:result' ? e.task.name : ''));
  assert.deepEqual(order.slice(0, 3), ['one', 'one', 'one']);
  assert.deepEqual(order.slice(3), ['two', 'two', 'two']);
  assert.equal(result.stats.a!.changed, 2);
});

test('when, loop and register: items skipped by when, results registered per item', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  vars:
    wanted: [x, y, z]
  tasks:
    - name: echo items
      command: "echo {{ item }}"
      loop: "{{ wanted }}"
      when: (ne item "y")
      register: echoed
    - name: check
      assert:
        that:
          - (eq (length echoed.results) 3)
          - (eq (index echoed.results 0).stdout "x")
          - (index echoed.results 1).skipped
`.replace('(index echoed.results 0).stdout', 'echoed.results.[0].stdout').replace('(index echoed.results 1).skipped', 'echoed.results.[1].skipped')),
  });
  const { result, statuses } = await run(dir);
  assert.deepEqual(statuses('a'), [['echo items', 'changed'], ['check', 'ok']], JSON.stringify(result.tasks.map((t) => t.result)));
});

test('a failed host leaves the play, the others go on, exit code 2', async () => {
  const dir = project({
    'inventory.yml': inventory('good', 'bad'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: may fail
      command: sh -c "test $HOST_NAME = good"
    - name: after
      command: "true"
`),
  });
  const { result, statuses } = await run(dir);
  assert.equal(result.exitCode, 2);
  assert.deepEqual(statuses('bad'), [['may fail', 'failed']]);
  assert.deepEqual(statuses('good'), [['may fail', 'changed'], ['after', 'changed']]);
  assert.equal(result.stats.bad!.failed, 1);
});

test('an unreachable host is reported as such and exits 4 when nothing failed', async () => {
  const dir = project({
    'inventory.yml': inventory('up', 'down'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
`),
  });
  const { result, statuses } = await run(dir, { unreachable: ['down'] });
  assert.equal(result.exitCode, 4);
  assert.equal(result.stats.down!.unreachable, 1);
  assert.deepEqual(statuses('up'), [['command', 'changed']]);
});

test('handlers: only on change, once, in definition order, at the end and at flush_handlers', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: changes
      command: "true"
      notify: [second, first]
    - name: changes again
      command: "true"
      notify: first
    - name: unchanged
      command: "true"
      changed_when: false
      notify: never
    - meta: flush_handlers
    - name: after flush
      command: "true"
      notify: topic
  handlers:
    - name: first
      command: "true"
    - name: second
      command: "true"
    - name: never
      command: "true"
    - name: listener
      command: "true"
      listen: topic
`),
  });
  const { statuses } = await run(dir);
  assert.deepEqual(statuses('a').map(([n]) => n), ['changes', 'changes again', 'unchanged', 'first', 'second', 'after flush', 'listener']);
});

test('block/rescue/always: a rescued failure counts as rescued, not failed', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: breaks
          command: "false"
        - name: never reached
          command: "true"
      rescue:
        - name: repair
          command: "true"
      always:
        - name: cleanup
          command: "true"
    - name: continues
      command: "true"
`),
  });
  const { result, statuses } = await run(dir);
  assert.equal(result.exitCode, 0);
  assert.deepEqual(statuses('a'), [['breaks', 'failed'], ['repair', 'changed'], ['cleanup', 'changed'], ['continues', 'changed']]);
  assert.equal(result.stats.a!.rescued, 1);
  assert.equal(result.stats.a!.failed, 0);
});

test('always runs after an unrescued failure and the host still fails', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - command: "false"
      always:
        - name: cleanup
          command: "true"
    - name: not reached
      command: "true"
`),
  });
  const { result, statuses } = await run(dir);
  assert.equal(result.exitCode, 2);
  assert.deepEqual(statuses('a').map(([n]) => n), ['command', 'cleanup']);
});

test('ignore_errors keeps the host in the play and counts ignored', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - command: "false"
      ignore_errors: true
    - name: next
      command: "true"
`),
  });
  const { result } = await run(dir);
  assert.equal(result.exitCode, 0);
  assert.equal(result.stats.a!.ignored, 1);
  // as Ansible counts it: the ignored command ran, so it changed too, and so did `next`
  assert.equal(result.stats.a!.changed, 2);
});

test('changed_when and failed_when see the registered result', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: grep miss is fine
      shell: "echo hello | grep -c nope"
      register: r
      failed_when: (gt r.rc 1)
      changed_when: false
    - name: stdout decides
      command: echo changed-now
      register: s
      changed_when: (in "changed" s.stdout)
`),
  });
  const { result, statuses } = await run(dir);
  assert.equal(result.exitCode, 0, JSON.stringify(result.tasks));
  assert.deepEqual(statuses('a'), [['grep miss is fine', 'ok'], ['stdout decides', 'changed']]);
});

test('until/retries: retries until the condition holds', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: third time lucky
      shell: "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo $n"
      register: r
      until: (eq r.stdout "3")
      retries: 5
      delay: 0
`),
  });
  const { result, hosts } = await run(dir);
  assert.equal(result.exitCode, 0);
  assert.equal(readFileSync(join(hosts.get('a')!.dir, 'count'), 'utf8').trim(), '3');
});

test('serial runs the whole play batch by batch', async () => {
  const dir = project({
    'inventory.yml': inventory('h1', 'h2', 'h3', 'h4', 'h5'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  serial: [1, 2]
  tasks:
    - name: one
      command: "true"
    - name: two
      command: "true"
`),
  });
  const { events } = await run(dir);
  // Hosts of one batch finish a task in any order; the task sequence per batch is what serial promises.
  const groups: string[][] = [];
  let last = '';
  for (const e of events) {
    if (e.type !== 'host:result') continue;
    if (e.task.name !== last || groups.length === 0) groups.push([]);
    groups[groups.length - 1]!.push(`${e.host}:${e.task.name}`);
    last = e.task.name;
  }
  assert.deepEqual(groups.map((g) => g.sort()), [['h1:one'], ['h1:two'], ['h2:one', 'h3:one'], ['h2:two', 'h3:two'], ['h4:one', 'h5:one'], ['h4:two', 'h5:two']]);
  assert.equal(events.filter((e) => e.type === 'batch:start').length, 3);
});

test('strategy free: a fast host finishes its tasks while a slow one is still busy', async () => {
  const dir = project({
    'inventory.yml': inventory('fast', 'slow'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  strategy: free
  tasks:
    - name: first
      shell: "if [ $HOST_NAME = slow ]; then sleep 0.6; fi"
    - name: second
      command: "true"
`),
  });
  const { events } = await run(dir);
  const seq = events.filter((e) => e.type === 'host:result').map((e) => (e.type === 'host:result' ? `${e.host}:${e.task.name}` : ''));
  assert.ok(seq.indexOf('fast:second') < seq.indexOf('slow:first'), seq.join(' '));
});

test('check mode: commands without creates are skipped and nothing runs', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: would write
      command: touch marker
`),
  });
  const { result, statuses, hosts } = await run(dir, { check: true });
  assert.equal(result.exitCode, 0);
  assert.deepEqual(statuses('a'), [['would write', 'skipped']]);
  assert.equal(existsSync(join(hosts.get('a')?.dir ?? join(dir, 'hosts/a'), 'marker')), false);
});

test('tags and skip-tags select tasks; never and always behave as in Ansible', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - { name: build, command: "true", tags: [build] }
    - { name: config, command: "true", tags: [config] }
    - { name: always, command: "true", tags: [always] }
    - { name: never, command: "true", tags: [never] }
    - { name: plain, command: "true" }
`),
  });
  assert.deepEqual((await run(dir, { tags: ['config'] })).statuses('a').map(([n]) => n), ['config', 'always']);
  assert.deepEqual((await run(dir, { skipTags: ['build'] })).statuses('a').map(([n]) => n), ['config', 'always', 'plain']);
  assert.deepEqual((await run(dir)).statuses('a').map(([n]) => n), ['build', 'config', 'always', 'plain']);
});

test('set_fact beats play vars, extra vars beat set_fact', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  vars: { color: red, size: small }
  tasks:
    - set_fact: { color: blue, size: large }
    - assert:
        that: [(eq color "blue"), (eq size "huge")]
`),
  });
  const { result } = await run(dir, { extraVars: { size: 'huge' } });
  assert.equal(result.exitCode, 0, JSON.stringify(result.tasks));
});

test('run_once runs on one host and shares its registered result', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - command: echo once
      run_once: true
      register: r
    - assert:
        that: (eq r.stdout "once")
`),
  });
  const { result, statuses } = await run(dir);
  assert.equal(result.exitCode, 0);
  assert.equal(statuses('b')[0]![0], 'assert');
});

test('any_errors_fatal stops the play for every host', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - command: sh -c "test $HOST_NAME = a"
    - name: next
      command: "true"
`),
  });
  const { result, statuses } = await run(dir);
  assert.equal(result.exitCode, 2);
  assert.equal(statuses('a').some(([n]) => n === 'next'), false);
});

test('include_tasks with a loop runs the file once per item', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'step.yml': '- name: step\n  command: "touch {{ item }}"\n',
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: step.yml
      loop: [one, two]
`),
  });
  const { result, hosts } = await run(dir);
  assert.equal(result.exitCode, 0, JSON.stringify(result.tasks));
  assert.ok(existsSync(join(hosts.get('a')!.dir, 'one')) && existsSync(join(hosts.get('a')!.dir, 'two')));
});

test('the included: line names the included file, also with apply: and for an empty file', async () => {
  // Regression: with `apply:` the tasks are wrapped in a block positioned at the include, so the line named the
  // including file (tasks/main.yml) instead of the included one.
  const dir = project({
    'inventory.yml': inventory('a'),
    'fw.yml': '- name: fw\n  command: "true"\n',
    'empty.yml': '[]\n',
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks:
        file: fw.yml
        apply:
          tags: [fw]
    - include_tasks: empty.yml
`),
  });
  const { result, events } = await run(dir);
  assert.equal(result.exitCode, 0, JSON.stringify(result.tasks));
  const shown = events.flatMap((e) => (e.type === 'host:result' && typeof e.result.data?._included === 'string' ? [e.result.data._included] : []));
  assert.deepEqual(shown, [join(dir, 'fw.yml'), join(dir, 'empty.yml')]);
});

test('an include loop label may use index_var, as the included tasks can', async () => {
  // Regression: the included: line rendered loop_control.label without index_var, so the run failed on it.
  const dir = project({
    'inventory.yml': inventory('a'),
    'step.yml': '- name: step\n  command: "true"\n',
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: step.yml
      loop: [one, two]
      loop_control:
        index_var: idx
        label: "{{ idx }}-{{ item }}"
`),
  });
  const { result, events } = await run(dir);
  assert.equal(result.exitCode, 0, JSON.stringify(result.tasks));
  const labels = events.flatMap((e) => (e.type === 'host:item' && e.task.module === 'include_tasks' ? [e.item] : []));
  assert.deepEqual(labels, ['0-one', '1-two']);
});

test('an abort signal stops starting tasks and exits 99', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: slow
      command: sleep 0.3
    - name: never
      command: "true"
`),
  });
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 100);
  const { result, statuses } = await run(dir, { signal: stop.signal });
  assert.equal(result.exitCode, 99);
  assert.deepEqual(statuses('a').map(([n]) => n), ['slow']);
});

test('remote_user logs in as that user unless the inventory says otherwise', async () => {
  const dir = project({
    'inventory.yml': 'all:\n  hosts:\n    a: {}\n    b: { ansible_user: bob }\n',
    'site.yml': '- hosts: all\n  gather_facts: false\n  remote_user: alice\n  tasks:\n    - debug: { msg: "{{ansible_user}}" }\n      register: u\n',
  });
  const { result } = await run(dir);
  const users = Object.fromEntries(result.tasks.map((t) => [t.host, t.result.msg]));
  assert.deepEqual(users, { a: 'alice', b: 'bob' });
});

test('templates nested inside list and mapping variables are rendered when read', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  vars:
    base: /opt
    dirs: ["{{ base }}/x", "{{ base }}/y"]
    conf: { home: "{{ base }}/redis", port: 6379 }
  tasks:
    - assert:
        that:
          - (eq (join dirs ",") "/opt/x,/opt/y")
          - (eq conf.home "/opt/redis")
          - (eq conf.port 6379)
`),
  });
  const { result } = await run(dir);
  assert.equal(result.exitCode, 0, JSON.stringify(result.tasks));
});

test('ignore_unreachable counts as ignored; an ignored failure does not hide a real unreachable host', async () => {
  const dir = project({
    'inventory.yml': inventory('up', 'down'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - command: "false"
      ignore_errors: true
      when: (eq inventory_hostname "up")
    - command: "true"
      ignore_unreachable: true
`),
  });
  const ignoredOnly = await run(dir, { unreachable: ['down'] });
  assert.equal(ignoredOnly.result.exitCode, 0);
  assert.deepEqual([ignoredOnly.result.stats.down!.unreachable, ignoredOnly.result.stats.down!.ignored], [0, 1]);
  const strict = project({
    'inventory.yml': inventory('up', 'down'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - command: "false"
      ignore_errors: true
    - command: "true"
`),
  });
  const real = await run(strict, { unreachable: ['down'] });
  assert.equal(real.result.exitCode, 4);
});

test('Ansible play keywords: task defaults (ignore_errors), order, force_handlers, connection/port below the inventory, become_method sudo', async () => {
  const dir = project({
    'inventory.yml': 'all:\n  hosts:\n    c: {}\n    a: { ansible_port: 2200 }\n    b: {}\n',
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  ignore_errors: true
  order: sorted
  port: 2222
  connection: ssh
  become_method: sudo
  force_handlers: true
  tasks:
    - name: fails but is ignored
      command: "false"
    - name: port
      debug: { msg: "{{ansible_port}} {{ansible_connection}}" }
      become_method: sudo
`),
  });
  const { result, events } = await run(dir);
  assert.equal(result.exitCode, 0);
  assert.equal(result.stats.a!.ignored, 1);
  const order = events.flatMap((e) => (e.type === 'host:result' && e.task.name === 'fails but is ignored' ? [e.host] : []));
  assert.deepEqual([...order].sort(), ['a', 'b', 'c']);
  const started = events.find((e) => e.type === 'task:start');
  assert.deepEqual(started?.type === 'task:start' ? started.hosts : [], ['a', 'b', 'c']);
  const ports = Object.fromEntries(result.tasks.filter((t) => t.task === 'port').map((t) => [t.host, t.result.msg]));
  assert.deepEqual(ports, { a: '2200 ssh', b: '2222 ssh', c: '2222 ssh' });
});

test('become_method other than sudo is refused at load time', async () => {
  const dir = project({ 'inventory.yml': inventory('a'), 'site.yml': '- hosts: all\n  become_method: su\n  tasks: []\n' });
  await assert.rejects(run(dir), /become_method "su" is not supported/);
});

test('the old action: and local_action: spellings run the named module (local_action on localhost)', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - action: command echo from-action
      register: r
    - local_action: { module: debug, msg: "{{r.stdout}}" }
      register: d
    - assert: { that: [(eq d.msg "from-action")] }
`),
  });
  const { result, events } = await run(dir);
  assert.equal(result.exitCode, 0, JSON.stringify(result.tasks));
  const delegated = events.find((e) => e.type === 'host:result' && e.task.module === 'debug');
  assert.equal(delegated?.type === 'host:result' ? delegated.delegatedTo : undefined, 'localhost');
});

test('become: the keyword turns it on; ansible_become_user in the inventory overrides become_user, as in Ansible', async () => {
  const dir = project({
    'inventory.yml': 'all:\n  hosts:\n    plain: {}\n    special: { ansible_become_user: postgres }\n',
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  become: true
  become_user: redis
  tasks:
    - command: "true"
    - command: "true"
      become: false
`),
  });
  const { result, hosts } = await run(dir);
  assert.equal(result.exitCode, 0);
  assert.deepEqual(hosts.get('plain')!.becomeUsers, ['redis', undefined]);
  assert.deepEqual(hosts.get('special')!.becomeUsers, ['postgres', undefined]);
});
