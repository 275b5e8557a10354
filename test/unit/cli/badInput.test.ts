import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const cli = join(root, 'src/cli/main.ts');
const badDir = join(root, 'test/fixtures/bad');

function runCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * A loopback TCP listener standing in for every host: if the CLI opened any connection before reporting the
 * problem, this counter would show it.
 */
async function connectionCounter(): Promise<{ port: number; count: () => number; close: () => void }> {
  let n = 0;
  const server = createServer((s) => { n++; s.destroy(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, count: () => n, close: () => server.close() };
}

const fixtures = readdirSync(badDir).filter((d) => !d.startsWith('inventory-'));

for (const name of fixtures) {
  test(`bad input "${name}": exact message, exit 5, no host contacted`, async () => {
    const dir = join(badDir, name);
    const expected = readFileSync(join(dir, 'expected.txt'), 'utf8').trim();
    const counter = await connectionCounter();
    const inv = join(mkdtempSync(join(tmpdir(), 'rp-bad-')), 'inventory.yml');
    writeFileSync(inv, `all:\n  hosts:\n    target:\n      ansible_host: 127.0.0.1\n      ansible_port: ${counter.port}\n`);
    try {
      const r = await runCli(['site.yml', '-i', inv], dir);
      assert.equal(r.code, 5, `exit code\n${r.stderr}`);
      assert.equal(r.stderr.split('\n')[0], expected, r.stderr);
      assert.match(r.stderr, /nothing was run/);
      assert.equal(counter.count(), 0, 'a connection was opened');
    } finally {
      counter.close();
    }
  });
}

for (const name of readdirSync(badDir).filter((d) => d.startsWith('inventory-'))) {
  test(`bad inventory "${name}": exact message and exit 5`, async () => {
    const dir = join(badDir, name);
    const expected = readFileSync(join(dir, 'expected.txt'), 'utf8').trim();
    const entry = readdirSync(dir).find((f) => f.startsWith('inventory'))!;
    const playbook = join(mkdtempSync(join(tmpdir(), 'rp-bad-')), 'site.yml');
    writeFileSync(playbook, '- hosts: all\n  tasks:\n    - debug: { msg: hi }\n');
    const r = await runCli(['--syntax-check', playbook, '-i', join(dir, entry)], root);
    assert.equal(r.code, 5, r.stderr);
    assert.equal(r.stderr.split('\n')[0], expected, r.stderr);
  });
}

test('--syntax-check, --list-tasks and --list-hosts work on the bundled site.yml', async () => {
  const syntax = await runCli(['--syntax-check', 'playbooks/site.yml', '-i', 'inventory/hosts.yml'], root);
  assert.equal(syntax.code, 0, syntax.stderr);
  const tasks = await runCli(['--list-tasks', 'playbooks/site.yml', '-i', 'inventory/hosts.yml'], root);
  assert.equal(tasks.code, 0, tasks.stderr);
  assert.match(tasks.stdout, /play #1 \(all\)/);
  const hosts = await runCli(['--list-hosts', 'playbooks/site.yml', '-i', 'inventory/hosts.yml'], root);
  assert.equal(hosts.code, 0, hosts.stderr);
  assert.match(hosts.stdout, /hosts \(3\):\n\s+redismaster\n\s+redisslave1\n\s+redisslave2/);
});

test('bad options exit 5 with a message, --version and --help exit 0', async () => {
  const bad = await runCli(['playbooks/site.yml', '--forks', 'many'], root);
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /--forks must be a whole number/);
  const unknown = await runCli(['playbooks/site.yml', '--chek'], root);
  assert.equal(unknown.code, 5);
  assert.match(unknown.stderr, /unknown option '--chek'/);
  const version = await runCli(['--version'], root);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  const help = await runCli(['--help'], root);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--syntax-check/);
});

test('a missing playbook file is invalid input, not a crash', async () => {
  const r = await runCli(['--syntax-check', 'no/such/playbook.yml', '-i', 'inventory/hosts.yml'], root);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /no\/such\/playbook\.yml/);
});
