import { openConnection } from '../src/connect/index.js';
import { sh } from '../src/core/sh.js';
const vars = { ansible_host: process.argv[2] ?? '10.213.41.10', ansible_user: 'root', ansible_ssh_private_key_file: '/var/cache/run-playbook/lab/ssh/id_ed25519', run_playbook_known_hosts: '/run/run-playbook-lab-4/known_hosts' };
const c = await openConnection('lab1', vars, { knownHostsFiles: ['/run/run-playbook-lab-4/known_hosts'] });
const ac = new AbortController();
for (let i = 0; i < 50; i++) await c.run(sh`(${['true']})`, { signal: ac.signal });
for (const n of [1,2,3]) {
const ts: number[] = [];
for (let i = 0; i < 500; i++) { const t = performance.now(); await c.run(sh`(${['true']})`, { signal: ac.signal, timeoutMs: 60000 }); ts.push(performance.now() - t); }
ts.sort((a, b) => a - b);
console.log('median', ts[250]!.toFixed(3), 'p10', ts[50]!.toFixed(3), 'p90', ts[450]!.toFixed(3));
}
await c.close();
