#!/usr/bin/env node
// bench/load: whole-process time of `run-playbook --syntax-check` on the bundled site.yml and on a generated
// playbook of 2,000 tasks in 50 roles. Targets (issue 3): under 0.3 s and under 1.5 s. Run: node bench/load.mjs [rounds]
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { alternate, printTable, timeProcess } from './stats.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
const cli = join(root, 'dist/cli/main.js');
const rounds = Number(process.argv[2] ?? 9);

/** 50 roles × 40 tasks, a realistic mix of modules, templates, conditions, loops and handlers. */
function generate(dir) {
  const roles = [];
  for (let r = 0; r < 50; r++) {
    const name = `role${r}`;
    roles.push(name);
    const base = join(dir, 'roles', name);
    for (const sub of ['tasks', 'defaults', 'handlers', 'templates']) mkdirSync(join(base, sub), { recursive: true });
    writeFileSync(join(base, 'defaults/main.yml'), `${name}_port: ${6000 + r}\n${name}_dir: /opt/${name}\n${name}_items: [a, b, c]\n`);
    writeFileSync(join(base, 'handlers/main.yml'), `- name: restart ${name}\n  service: { name: ${name}, state: restarted }\n`);
    writeFileSync(join(base, 'templates/app.conf.hbs'), `port {{${name}_port}}\n{{#each ${name}_items}}item {{this}}\n{{/each}}\n`);
    const tasks = [];
    for (let t = 0; t < 40; t++) {
      switch (t % 5) {
        case 0: tasks.push(`- name: package ${t}\n  apt: { name: [pkg${t}], state: present }\n  when: (eq inventory_hostname "x")`); break;
        case 1: tasks.push(`- name: folder ${t}\n  file: { path: "{{${name}_dir}}/d${t}", state: directory, mode: "0755" }`); break;
        case 2: tasks.push(`- name: config ${t}\n  template: { src: app.conf.hbs, dest: "{{${name}_dir}}/c${t}.conf" }\n  notify: restart ${name}`); break;
        case 3: tasks.push(`- name: items ${t}\n  command: "echo {{item}}"\n  loop: "{{${name}_items}}"\n  changed_when: false`); break;
        default: tasks.push(`- name: line ${t}\n  lineinfile: { path: /etc/${name}.conf, line: "k${t}=v", create: true }`);
      }
    }
    writeFileSync(join(base, 'tasks/main.yml'), tasks.join('\n') + '\n');
  }
  writeFileSync(join(dir, 'site.yml'), `- hosts: all\n  gather_facts: false\n  roles:\n${roles.map((r) => `    - ${r}`).join('\n')}\n`);
  writeFileSync(join(dir, 'inventory.yml'), 'all:\n  hosts:\n    h1: {}\n');
}

const big = mkdtempSync(join(tmpdir(), 'rp-bench-load-'));
try {
  generate(big);
  const results = alternate(
    [
      { name: 'site.yml (bundled)', run: () => timeProcessOk(['--syntax-check', join(root, 'playbooks/site.yml'), '-i', join(root, 'inventory/hosts.yml')]) },
      { name: '2,000 tasks in 50 roles', run: () => timeProcessOk(['--syntax-check', join(big, 'site.yml'), '-i', join(big, 'inventory.yml')]) },
    ],
    rounds,
  );
  const targets = [300, 1500];
  printTable(`run-playbook --syntax-check, whole process, ${rounds} alternating runs`, ['playbook', 'median ms', 'min ms', 'target ms', 'median / target'], results.map((r, i) => [r.name, r.median.toFixed(0), r.min.toFixed(0), targets[i], (r.median / targets[i]).toFixed(2)]));
} finally {
  rmSync(big, { recursive: true, force: true });
}

function timeProcessOk(args) {
  return timeProcess(process.execPath, [cli, ...args]);
}
