/**
 * The transport against real lab hosts: become with a sudo password, host keys, a jump host, a stopped host.
 * Logs in as the lab's sudo user (its key is authorized for root and for that user).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLab, type LabHandle, type LabHost } from './harness.js';
import { connectSsh } from '../../src/connect/ssh.js';
import { BecomeError, HostKeyError } from '../../src/connect/errors.js';
import { targetFromVars, type SshTarget } from '../../src/connect/target.js';
import { hostLookupName } from '../../src/connect/knownHosts.js';
import { UnreachableError } from '../../src/core/errors.js';
import { Secret, sh } from '../../src/core/sh.js';

let lab: LabHandle;
let tmp: string;

before(async () => {
  lab = await useLab({ hosts: 3 });
  tmp = mkdtempSync(join(tmpdir(), 'rp-lab-connect-'));
});

function host(i: number): LabHost {
  const h = lab.hosts[i];
  if (!h) throw new Error(`the lab has no host #${i}`);
  return h;
}

function target(h: LabHost, overrides: Partial<SshTarget> = {}): SshTarget {
  return {
    host: h.name,
    address: h.address,
    port: h.port,
    user: lab.sudoUser,
    privateKeyFile: lab.keyPath,
    hostKeyChecking: 'strict',
    knownHostsFiles: [lab.knownHostsPath],
    connectTimeoutMs: 20_000,
    ...overrides,
  };
}

test('become root and another user with the sudo password; a wrong or missing one is a clear error', async () => {
  const c = await connectSsh(target(host(0)));
  try {
    const password = new Secret(lab.sudoPassword);
    assert.equal((await c.run(sh`id -un`)).stdout.toString().trim(), lab.sudoUser);
    assert.equal((await c.run(sh`id -un`, { become: { user: 'root', password } })).stdout.toString().trim(), 'root');
    assert.equal((await c.run(sh`id -un`, { become: { user: 'nobody', password } })).stdout.toString().trim(), 'nobody');
    // the password goes to sudo, never to the command's stdin; the command's own stdin still arrives
    const cat = await c.run(sh`cat`, { become: { user: 'root', password }, stdin: Buffer.from('payload') });
    assert.equal(cat.stdout.toString(), 'payload');
    await c.put('/root/rp-become-test', Buffer.from('secret file'), { become: { user: 'root', password }, mode: 0o600 });
    assert.equal((await c.get('/root/rp-become-test', { become: { user: 'root', password } })).toString(), 'secret file');
    await c.run(sh`rm -f /root/rp-become-test`, { become: { user: 'root', password } });
  } finally {
    await c.close();
  }
  const fresh = await connectSsh(target(host(0)));
  try {
    await assert.rejects(fresh.run(sh`true`, { become: { user: 'root' } }), (e: unknown) => e instanceof BecomeError && /a password is required for .*@.* to become root; set ansible_become_password or --ask-become-pass/.test(e.message));
    await assert.rejects(fresh.run(sh`true`, { become: { user: 'root', password: new Secret('wrong-password') } }), (e: unknown) => e instanceof BecomeError && /incorrect become password/.test(e.message));
  } finally {
    await fresh.close();
  }
});

test('a stale SSH_AUTH_SOCK is skipped like OpenSSH does: the password after it still logs in', async () => {
  const dead = join(tmp, 'dead-agent.sock'); // no agent listens there
  const t = target(host(0), { agentSocket: dead, password: new Secret(lab.sudoPassword) });
  delete t.privateKeyFile;
  const c = await connectSsh(t);
  try {
    assert.equal((await c.run(sh`id -un`)).stdout.toString().trim(), lab.sudoUser);
  } finally {
    await c.close();
  }
  // with nothing after it, the failure names the agent and why it was not used
  const alone = target(host(0), { agentSocket: dead });
  delete alone.privateKeyFile;
  await assert.rejects(connectSsh(alone), (e: unknown) => e instanceof Error && /authentication failed .*agent .*dead-agent\.sock not usable/.test(e.message));
});

test('a login shell that prints (noisy ~/.bashrc, stty) keeps the persistent shell; SFTP falls back to the shell', async () => {
  const h = host(1);
  const user = 'rpnoisy';
  // at the top of .bashrc, before Debian's "not interactive: return", as a careless admin would put it
  const setup = await lab.exec(h.name, [
    `useradd -m -s /bin/bash ${user}`,
    `install -d -o ${user} -m 700 /home/${user}/.ssh`,
    `install -o ${user} -m 600 /root/.ssh/authorized_keys /home/${user}/.ssh/authorized_keys`,
    `{ echo 'printf "Welcome-no-newline"'; echo 'echo NOISE-ERR >&2'; echo 'stty -echo 2>/dev/null'; cat /etc/skel/.bashrc; } > /home/${user}/.bashrc`,
  ].join(' && '));
  assert.equal(setup.code, 0, setup.stderr);
  const log: string[] = [];
  const c = await connectSsh(target(h, { user, verbose: (m) => log.push(m) }));
  try {
    const r = await c.run(sh`echo out; echo err >&2`);
    assert.deepEqual([r.stdout.toString(), r.stderr.toString()], ['out\n', 'err\n'], 'the login shell\'s noise is not the command\'s output');
    assert.ok(!log.some((m) => /persistent shell unavailable/.test(m)), log.join('\n'));
    assert.ok(log.some((m) => /login shell printed/.test(m)), log.join('\n'));
    await c.put(`/home/${user}/f`, Buffer.from('through the shell\n'));
    assert.equal((await c.get(`/home/${user}/f`)).toString(), 'through the shell\n');
    assert.ok(log.some((m) => /SFTP unavailable/.test(m)), 'the noise breaks SFTP, so put says it used the shell');
  } finally {
    await c.close();
    await lab.exec(h.name, `userdel -r ${user} 2>/dev/null; true`);
  }
});

test('a become command that times out is killed with its children (sudo with a password), in the shell and in exec mode', async () => {
  const h = host(0);
  const password = new Secret(lab.sudoPassword);
  for (const execChannelPerCommand of [false, true]) {
    const tag = execChannelPerCommand ? 318 : 317; // distinct sleeps, so a survivor names its transport
    const c = await connectSsh(target(h, { execChannelPerCommand }));
    try {
      const started = Date.now();
      await assert.rejects(c.run(sh`sleep ${String(tag)} & sleep ${String(tag)}.5; echo never`, { become: { user: 'root', password }, timeoutMs: 1500 }), /timed out after 1.5 s/);
      assert.ok(Date.now() - started < 8000, 'the kill does not wait for the command');
      await new Promise((r) => setTimeout(r, 300));
      // the root-owned sleeps, not only the login user's sudo: a kill by labadmin alone reaches sudo and stops there
      const left = await lab.exec(h.name, `pgrep -af 'slee[p] ${tag}' || true`);
      assert.equal(left.stdout.trim(), '', `left running (exec mode: ${execChannelPerCommand}): ${left.stdout}`);
      assert.equal((await c.run(sh`id -un`, { become: { user: 'root', password } })).stdout.toString().trim(), 'root', 'the connection still works');
    } finally {
      await c.close();
      await lab.exec(h.name, `pkill -9 -f 'slee[p] ${tag}' || true`);
    }
  }
});

test('a host key that does not match known_hosts is refused, naming the file and line', async () => {
  const h = host(0);
  const keyFile = join(tmp, 'other');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
  const otherKey = readFileSync(`${keyFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const altered = join(tmp, 'altered_known_hosts');
  // every key type the host might present gets a wrong key recorded, so the mismatch is certain
  writeFileSync(altered, `# altered copy\n${hostLookupName(h.address, h.port)} ${otherKey}\n`);
  await assert.rejects(connectSsh(target(h, { knownHostsFiles: [altered], hostKeyChecking: 'accept-new' })), (e: unknown) => {
    assert.ok(e instanceof HostKeyError);
    assert.ok(e.message.includes(`${altered}:2`), e.message);
    return true;
  });
});

test('accept-new remembers an unknown host; strict then accepts it', async () => {
  const file = join(tmp, 'new_known_hosts');
  writeFileSync(file, '');
  await assert.rejects(connectSsh(target(host(1), { knownHostsFiles: [file] })), HostKeyError);
  const c = await connectSsh(target(host(1), { knownHostsFiles: [file], hostKeyChecking: 'accept-new' }));
  await c.close();
  assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 1);
  const again = await connectSsh(target(host(1), { knownHostsFiles: [file] }));
  await again.close();
});

/** What each host's network looked like, for a failure message that says why a connection did not come up. */
async function networkReport(hosts: LabHost[]): Promise<string> {
  const parts = await Promise.all(
    hosts.map(async (h) => {
      const r = await lab.exec(h.name, 'ip route; ss -tan; journalctl -u ssh --no-pager -n 15 2>&1');
      return `--- ${h.name}\n${r.stdout}${r.stderr}`;
    }),
  );
  return parts.join('\n');
}

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

test('jump host: a target that only the bastion can reach is reached through it', async () => {
  const bastion = host(0);
  const inner = host(2);
  const me = await controllerAddress(inner);
  // "Only reachable through the bastion": the target drops every reply to the controller's address
  // (a blackhole route inside its namespace), while the bastion, another address, still reaches it.
  const blackhole = await lab.exec(inner.name, `ip route add blackhole ${me}/32`);
  assert.equal(blackhole.code, 0, blackhole.stderr);
  try {
    await assert.rejects(connectSsh(target(inner, { connectTimeoutMs: 2000 })), UnreachableError);
    const c = await connectSsh(target(inner, { jump: target(bastion) })).catch(async (e: unknown) => {
      throw new Error(`${(e as Error).message}\n${await networkReport([bastion, inner])}`);
    });
    try {
      const r = await c.run(sh`hostname`);
      assert.equal(r.code, 0);
      assert.ok(r.stdout.toString().trim().length > 0);
    } finally {
      await c.close();
    }
    // The same hop as an Ansible inventory spells it: a ProxyCommand through ssh, and the known_hosts in the ssh args.
    const viaInventory = await connectSsh(
      targetFromVars(inner.name, {
        ansible_host: inner.address,
        ansible_user: lab.sudoUser,
        ansible_ssh_private_key_file: lab.keyPath,
        ansible_ssh_common_args: `-o UserKnownHostsFile=${lab.knownHostsPath} -o StrictHostKeyChecking=yes -o ProxyCommand="ssh -W %h:%p -q ${lab.sudoUser}@${bastion.address}"`,
      }, { connectTimeoutMs: 20_000 }),
    );
    try {
      assert.equal((await viaInventory.run(sh`hostname`)).stdout.toString().trim(), (await lab.exec(inner.name, 'hostname')).stdout.trim());
    } finally {
      await viaInventory.close();
    }
  } finally {
    await lab.exec(inner.name, `ip route del blackhole ${me}/32`);
  }
});

test('port forwarding reaches a port on the host that is bound to its loopback only', async () => {
  const c = await connectSsh(target(host(1)));
  try {
    const fwd = await c.forward(22); // the host's own sshd, seen from its loopback
    const banner = await new Promise<string>((resolve, reject) => {
      const s = connect(fwd.port, '127.0.0.1');
      s.once('data', (d) => {
        resolve(d.toString());
        s.destroy();
      });
      s.on('error', reject);
    });
    assert.match(banner, /^SSH-2.0-OpenSSH/);
    await fwd.close();
  } finally {
    await c.close();
  }
});

test('a stopped host is unreachable within the connect timeout; an open connection to it fails the same way', async () => {
  const h = host(2);
  const c = await connectSsh(target(h, { keepaliveIntervalMs: 1000 }));
  const pending = c.run(sh`sleep 60`);
  pending.catch(() => undefined);
  // Power pulled: the cable goes first, so no FIN or RST from a shutdown reaches us and only keepalive can tell.
  await lab.cutNetwork(h.name);
  await lab.stopHost(h.name);
  try {
    const t0 = Date.now();
    await assert.rejects(connectSsh(target(h, { connectTimeoutMs: 3000 })), UnreachableError);
    assert.ok(Date.now() - t0 < 6000, `gave up after ${Date.now() - t0} ms`);
    await assert.rejects(pending, (e: unknown) => e instanceof UnreachableError && /connection lost/.test(e.message));
    await assert.rejects(c.run(sh`true`), UnreachableError);
  } finally {
    await c.close();
    await lab.restoreNetwork(h.name);
    await lab.startHost(h.name);
  }
});
