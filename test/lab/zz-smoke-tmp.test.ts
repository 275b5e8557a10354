import { test, before } from 'node:test';
import { useLab, type LabHandle } from './harness.js';
import { runModules } from './moduleRun.js';
let lab: LabHandle;
before(async () => { lab = await useLab({ hosts: 3 }); });
test('smoke', async () => {
  for (let i = 0; i < 2; i++) {
  const t0 = Date.now();
  const r = await runModules(lab, { limit: 'redismaster', diff: true, playbook: `
- hosts: all
  gather_facts: false
  vars: { d: /srv/rp-smoke }
  tasks:
    - name: dir
      file: { path: "{{ d }}", state: directory, mode: "0750", group: daemon }
    - name: content
      copy: { dest: "{{ d }}/a.txt", content: "hello\\n", mode: "0640", owner: nobody }
    - name: tpl
      template: { src: t.hbs, dest: "{{ d }}/t.txt" }
    - name: undefined
      template: { src: bad.hbs, dest: "{{ d }}/bad.txt" }
      ignore_errors: true
    - name: fail cmd
      command: ls /nonexistent-x
      ignore_errors: true
`, files: { 'templates/t.hbs': 'name={{ inventory_hostname }}\n', 'templates/bad.hbs': 'a\nb\nc={{ nope_var }}\n' } });
  console.log(Date.now() - t0, JSON.stringify(r.host('redismaster').map(o => [o.task, o.status, o.msg, o.diffs]), null, 1));
  }
  await lab.exec('redismaster', 'rm -rf /srv/rp-smoke');
});
