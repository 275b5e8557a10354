/** Execution semantics compared with ansible-playbook on the same playbooks (rescue, stats, delegation, start-at-task). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventory, project, run } from './harness.js';

const pb = (yaml: string): string => yaml.replace(/^\n/, '');

test('rescue sees ansible_failed_task and ansible_failed_result; a failing rescue still counts the host as rescued', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: outer
      block:
        - name: inner
          block:
            - name: breaks
              command: sh -c "echo oops >&2; exit 3"
          rescue:
            - name: check failed vars
              assert:
                that:
                  - (eq ansible_failed_task.name "breaks")
                  - (eq ansible_failed_task.action "command")
                  - (eq ansible_failed_result.rc 3)
                  - ansible_failed_result.failed
            - name: rescue fails too
              fail: {msg: again}
      rescue:
        - name: outer sees the rescue's failure
          assert:
            that: (eq ansible_failed_task.name "rescue fails too")
`),
  });
  const { result, statuses } = await run(dir);
  assert.deepEqual(statuses('a'), [['breaks', 'failed'], ['check failed vars', 'ok'], ['rescue fails too', 'failed'], ['outer sees the rescue\'s failure', 'ok']]);
  assert.equal(result.exitCode, 0);
  // Ansible: rescued once per failure caught by a rescue; nothing left failed.
  assert.deepEqual({ rescued: result.stats.a!.rescued, failed: result.stats.a!.failed }, { rescued: 2, failed: 0 });
});

test('a rescue that fails: rescued=1 and failed=1, as Ansible counts it', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - command: "false"
      rescue:
        - fail: {msg: "{{ ansible_failed_result.msg }}"}
`),
  });
  const { result } = await run(dir);
  assert.equal(result.exitCode, 2);
  assert.deepEqual({ rescued: result.stats.a!.rescued, failed: result.stats.a!.failed }, { rescued: 1, failed: 1 });
});

test('ignore_unreachable counts ok and ignored; the delegated result names the rendered delegate', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'gone'),
    'site.yml': pb(`
- hosts: a
  gather_facts: false
  vars:
    target: gone
  tasks:
    - name: to a lost host
      command: "true"
      delegate_to: "{{ target }}"
      ignore_unreachable: true
    - name: to itself
      command: "true"
      delegate_to: "{{ inventory_hostname }}"
`),
  });
  const { result, events } = await run(dir, { unreachable: ['gone'] });
  assert.equal(result.exitCode, 0);
  assert.deepEqual(result.stats.a, { ok: 2, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 1 });
  const delegated = events.flatMap((e) => (e.type === 'host:result' ? [e.delegatedTo] : []));
  assert.deepEqual(delegated, ['gone', 'a']);
});

test('--start-at-task under strategy free: every host starts at the task; a glob and `role : name` match', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b', 'c'),
    'roles/r1/tasks/main.yml': pb(`
- name: first
  command: "true"
- name: second
  command: "true"
- name: third step
  command: "true"
`),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  strategy: free
  roles: [r1]
  tasks:
    - name: last
      command: "true"
- hosts: all
  gather_facts: false
  tasks:
    - name: next play runs whole
      command: "true"
`),
  });
  const { statuses } = await run(dir, { startAtTask: 'r1 : third*' });
  for (const h of ['a', 'b', 'c']) assert.deepEqual(statuses(h).map(([n]) => n), ['r1 : third step', 'last', 'next play runs whole'], h);
});

test('any_errors_fatal: an ignored failure does not end the play; a real one does, with a warning saying why', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - name: ignored
      command: "false"
      ignore_errors: true
    - name: still here
      command: sh -c "test $HOST_NAME = a"
    - name: never
      command: "true"
- hosts: all
  gather_facts: false
  tasks:
    - name: next play
      command: "true"
`),
  });
  const { result, statuses, events } = await run(dir);
  assert.equal(result.exitCode, 2);
  assert.deepEqual(statuses('a').map(([n, s]) => `${n}=${s}`), ['ignored=failed', 'still here=changed']);
  assert.deepEqual(statuses('b').map(([n, s]) => `${n}=${s}`), ['ignored=failed', 'still here=failed']);
  assert.ok(events.some((e) => e.type === 'warning' && e.message.startsWith('any_errors_fatal: b failed')));
});

test('--force-handlers: a host that failed in the tasks runs its handlers; one whose handler fails runs no later handler', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  handlers:
    - name: first handler
      command: sh -c "test $HOST_NAME = b"
    - name: second handler
      command: "true"
  tasks:
    - name: notify
      command: "true"
      notify: [first handler, second handler]
    - name: b fails
      command: sh -c "test $HOST_NAME = a"
`),
  });
  const { statuses } = await run(dir, { forceHandlers: true });
  assert.deepEqual(statuses('a').map(([n, s]) => `${n}=${s}`), ['notify=changed', 'b fails=changed', 'first handler=failed']);
  assert.deepEqual(statuses('b').map(([n, s]) => `${n}=${s}`), ['notify=changed', 'b fails=failed', 'first handler=changed', 'second handler=changed']);
});

test('a role handler notified as `role : name` passes load-time checks and runs', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'roles/r2/tasks/main.yml': pb(`
- name: r2 task
  command: "true"
  notify: "r2 : restart it"
`),
    'roles/r2/handlers/main.yml': pb(`
- name: restart it
  command: "true"
`),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  roles: [r2]
`),
  });
  const { result, statuses } = await run(dir);
  assert.equal(result.exitCode, 0);
  assert.deepEqual(statuses('a'), [['r2 : r2 task', 'changed'], ['r2 : restart it', 'changed']]);
});

test('run_once: every host gets the same registered value; a failure fails the whole batch (counted once)', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: once
      command: echo hi
      run_once: true
      register: o
    - name: same shape everywhere
      assert:
        that: [o.changed, (eq (first o.stdout_lines) "hi"), (not o.failed)]
    - name: once fails
      command: "false"
      run_once: true
    - name: never
      command: "true"
`),
  });
  const { result, statuses } = await run(dir);
  assert.equal(result.exitCode, 2);
  assert.deepEqual(statuses('b').map(([n, s]) => `${n}=${s}`), ['same shape everywhere=ok']);
  assert.deepEqual(statuses('a').map(([n, s]) => `${n}=${s}`), ['once=changed', 'same shape everywhere=ok', 'once fails=failed']);
  assert.equal(result.stats.b!.failed, 0);
});

test('meta: clear_host_errors: the failed host rejoins at the next play and its cleared failure does not set the exit code', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: b fails
      command: sh -c "test $HOST_NAME = a"
    - meta: clear_host_errors
    - name: same play
      command: "true"
- hosts: all
  gather_facts: false
  tasks:
    - name: next play
      command: "true"
`),
  });
  const { result, statuses } = await run(dir);
  assert.deepEqual(statuses('b').map(([n, s]) => `${n}=${s}`), ['b fails=failed', 'next play=changed']);
  assert.equal(result.stats.b!.failed, 1);
  assert.equal(result.exitCode, 0);
});

test('meta: refresh_inventory warns once for the play, not once per host', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b', 'c'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - meta: refresh_inventory
`),
  });
  const { events } = await run(dir);
  assert.equal(events.filter((e) => e.type === 'warning' && e.message.includes('refresh_inventory')).length, 1);
});

test('--start-at-task naming no task is refused before any host is contacted', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: one
      command: "true"
`),
  });
  await assert.rejects(run(dir, { startAtTask: 'nope' }), /--start-at-task "nope" matches no task/);
  const { hosts } = await run(dir, { startAtTask: 'o*' }).catch(() => ({ hosts: new Map() }));
  assert.equal(hosts.size, 1);
});

test('strategy free: meta flush_handlers flushes for every host that ran it, not only the first to get there', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b', 'c'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  strategy: free
  handlers:
    - name: h
      command: "true"
  tasks:
    - name: notify
      command: "true"
      notify: h
    - meta: flush_handlers
    - name: after
      command: "true"
`),
  });
  const { statuses } = await run(dir);
  for (const host of ['a', 'b', 'c']) assert.deepEqual(statuses(host).map(([n]) => n), ['notify', 'h', 'after'], host);
});

test('a dynamic include is a task in the recap as in Ansible: ok per host and loop item, skipped where its when is false', async () => {
  const dir = project({
    'inventory.yml': inventory('a', 'b'),
    't.yml': '- debug: msg=inner\n',
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: t.yml
    - include_tasks: t.yml
      when: (eq inventory_hostname "a")
    - name: looped
      include_tasks: t.yml
      loop: [1, 2]
`),
  });
  const { result, events } = await run(dir);
  // the same numbers ansible-playbook prints for this playbook: a ok=8, b ok=6 skipped=1
  assert.deepEqual([result.stats.a!.ok, result.stats.a!.skipped], [8, 0]);
  assert.deepEqual([result.stats.b!.ok, result.stats.b!.skipped], [6, 1]);
  const items = events.flatMap((e) => (e.type === 'host:item' && e.task.name === 'looped' && e.host === 'a' ? [e.item] : []));
  assert.deepEqual(items, ['1', '2']);
});

test('a failed command still changed the host: registered changed, counted when ignored, unless changed_when says no', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - command: sh -c "exit 3"
      register: plain
      ignore_errors: true
    - command: sh -c "exit 3"
      register: quiet
      changed_when: false
      ignore_errors: true
    - assert:
        that:
          - plain.changed
          - plain.failed
          - (eq (join plain.cmd " ") "sh -c exit 3")
          - (not quiet.changed)
`),
  });
  const { result, statuses } = await run(dir);
  assert.deepEqual(statuses('a').map(([, s]) => s), ['failed', 'failed', 'ok']);
  assert.deepEqual({ changed: result.stats.a!.changed, ignored: result.stats.a!.ignored }, { changed: 1, ignored: 2 });
});

test('add_host and group_by report changed when they change the inventory and ok when it is already so, as Ansible', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: add
      add_host: name=extra groups=new
    - name: add again
      add_host: name=extra groups=new
    - name: add to another group
      add_host: name=extra groups=other
    - name: group
      group_by: key=by_a
    - name: group again
      group_by: key=by_a
`),
  });
  const { statuses } = await run(dir);
  assert.deepEqual(statuses('a'), [['add', 'changed'], ['add again', 'ok'], ['add to another group', 'changed'], ['group', 'changed'], ['group again', 'ok']]);
});

test('add_host variables that carry host data are never rendered again (CVE-2024-11079: hostvars bypassed "unsafe")', async () => {
  const dir = project({
    'inventory.yml': 'all:\n  hosts:\n    a: { base: /srv, path: "{{ base }}/x" }\n',
    'site.yml': pb(`
- hosts: all
  gather_facts: false
  tasks:
    - name: host data
      command: printf '%s' '{{{{raw}}}}{{ env "HOME" }}{{{{/raw}}}}'
      register: r
    - name: add
      add_host: { name: extra, groups: added, note: "{{ r.stdout }}" }
    - name: through hostvars
      assert:
        that:
          - (eq hostvars.extra.note r.stdout)
          - (eq path "/srv/x")
- hosts: added
  gather_facts: false
  vars:
    expected: '{{{{raw}}}}{{ env "HOME" }}{{{{/raw}}}}'
  tasks:
    - name: on the added host
      assert:
        that: (eq note expected)
`),
  });
  const { statuses } = await run(dir);
  assert.deepEqual(statuses('a'), [['host data', 'changed'], ['add', 'changed'], ['through hostvars', 'ok']]);
  assert.deepEqual(statuses('extra'), [['on the added host', 'ok']]);
});

test('facts are gathered with the play\'s become, as Ansible gathers them', async () => {
  const dir = project({
    'inventory.yml': inventory('a'),
    'site.yml': '- hosts: all\n  become: true\n  become_user: postgres\n  tasks: []\n- hosts: all\n  tasks: []\n',
  });
  const { hosts, statuses } = await run(dir);
  assert.deepEqual(statuses('a'), [['Gathering Facts', 'ok'], ['Gathering Facts', 'ok']]);
  assert.deepEqual(hosts.get('a')!.becomeUsers, ['postgres', undefined]);
});
