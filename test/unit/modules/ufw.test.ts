import { test } from 'node:test';
import assert from 'node:assert/strict';
import ufw from '../../../src/modules/ufw.js';
import {
  parseTupleLine, parseUserRules, parseDefaults, parseUfwConf, portCovers, hexEncode, type UfwTuple,
} from '../../../src/modules/system/ufwRules.js';
import { desiredTuples, planUfw, ruleWords, type UfwCurrent, type UfwArgs } from '../../../src/modules/system/ufwPlan.js';
import { fakeContext } from './fakeConnectionB.js';

const USER_RULES = `*filter
:ufw-user-input - [0:0]
### RULES ###

### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in
-A ufw-user-input -p tcp --dport 22 -j ACCEPT

### tuple ### allow tcp 6379 0.0.0.0/0 any 10.0.0.0/24 in comment=7265646973
-A ufw-user-input -p tcp --dport 6379 -s 10.0.0.0/24 -j ACCEPT

### tuple ### deny any 53 0.0.0.0/0 any 0.0.0.0/0 in_eth0
### tuple ### route:allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in_eth0!out_eth1
### tuple ### allow_log tcp 443 0.0.0.0/0 any 0.0.0.0/0 out
### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 OpenSSH - in
### END RULES ###
COMMIT
`;
const USER6 = '### tuple ### allow tcp 22 ::/0 any ::/0 in\n';

test('tuple lines parse into fields, comments hex-decoded, interfaces and route split', () => {
  const rules = parseUserRules(USER_RULES, false);
  assert.equal(rules.length, 6);
  assert.deepEqual(
    { ...rules[1]! },
    { action: 'allow', route: false, log: '', proto: 'tcp', dport: '6379', dst: '0.0.0.0/0', sport: 'any', src: '10.0.0.0/24', direction: 'in', ifaceIn: '', ifaceOut: '', dapp: '', sapp: '', comment: 'redis', v6: false },
  );
  assert.equal(rules[2]!.ifaceIn, 'eth0');
  assert.deepEqual([rules[3]!.route, rules[3]!.ifaceIn, rules[3]!.ifaceOut, rules[3]!.direction], [true, 'eth0', 'eth1', 'in']);
  assert.deepEqual([rules[4]!.log, rules[4]!.direction], ['log', 'out']);
  assert.equal(rules[5]!.dapp, 'OpenSSH');
  assert.equal(parseTupleLine('-A ufw-user-input -j ACCEPT', false), undefined);
  assert.equal(hexEncode('redis'), '7265646973');
});

test('/etc/default/ufw and ufw.conf', () => {
  assert.deepEqual(parseDefaults('IPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\nDEFAULT_OUTPUT_POLICY="ACCEPT"\nDEFAULT_FORWARD_POLICY="REJECT"\n'), { incoming: 'deny', outgoing: 'allow', routed: 'reject', ipv6: true });
  assert.deepEqual(parseUfwConf('# comment\nENABLED=no\nLOGLEVEL=low\n'), { enabled: false, logLevel: 'low' });
  assert.deepEqual(parseUfwConf('ENABLED=yes\nLOGLEVEL=off\n'), { enabled: true, logLevel: 'off' });
});

test('args → tuples: both families for any, one for an address, port as ufw records it', () => {
  const both = desiredTuples({ rule: 'allow', port: '22', proto: 'tcp' }, true);
  assert.deepEqual(both.map((t) => [t.src, t.dst, t.v6]), [['0.0.0.0/0', '0.0.0.0/0', false], ['::/0', '::/0', true]]);
  assert.deepEqual(desiredTuples({ rule: 'allow', port: '6379', from_ip: '10.0.0.5/32' }, true).map((t) => [t.src, t.v6, t.proto]), [['10.0.0.5', false, 'any']]);
  assert.deepEqual(desiredTuples({ rule: 'allow', from_ip: 'fd00::1' }, true).map((t) => t.v6), [true]);
  assert.deepEqual(desiredTuples({ rule: 'deny', port: '53', interface: 'eth0' }, false).map((t) => t.ifaceIn), ['eth0']);
  assert.deepEqual(ruleWords({ rule: 'allow', port: '6379', proto: 'tcp', from_ip: '10.0.0.0/24', comment: 'redis' }, false),
    ['allow', 'in', 'proto', 'tcp', 'from', '10.0.0.0/24', 'to', 'any', 'port', '6379', 'comment', 'redis']);
  assert.deepEqual(ruleWords({ rule: 'allow', port: '22', delete: true, comment: 'x' }, true), ['delete', 'allow', 'in', 'from', 'any', 'to', 'any', 'port', '22']);
  assert.ok(portCovers('80,443', 443) && portCovers('6000:6010', 6005) && portCovers('any', 22) && !portCovers('2222', 22));
});

const state = (over: Partial<UfwCurrent> = {}): UfwCurrent => ({
  installed: true, enabled: false, logLevel: 'low',
  defaults: { incoming: 'deny', outgoing: 'allow', routed: 'deny', ipv6: true },
  rules: [...parseUserRules(USER_RULES, false), ...parseUserRules(USER6, true)], sshPort: 22, ...over,
});
const summaries = (cur: UfwCurrent, args: UfwArgs) => planUfw(cur, args).changes.map((c) => c.summary);

test('plan table: existing rules and policies are ok; differences are changes', () => {
  const table: [string, UfwCurrent, UfwArgs, string[]][] = [
    ['existing rule in both files', state(), { rule: 'allow', port: '22', proto: 'tcp' }, []],
    ['existing v4-only rule with same comment', state(), { rule: 'allow', port: '6379', proto: 'tcp', from_ip: '10.0.0.0/24', comment: 'redis' }, []],
    ['existing rule, comment not given', state(), { rule: 'allow', port: '6379', proto: 'tcp', from_ip: '10.0.0.0/24' }, []],
    ['comment differs → update', state(), { rule: 'allow', port: '6379', proto: 'tcp', from_ip: '10.0.0.0/24', comment: 'cache' }, ['ufw allow in proto tcp from 10.0.0.0/24 to any port 6379 comment cache']],
    ['rule only in v4 file → add (ufw adds the v6 one)', state({ rules: parseUserRules(USER_RULES, false) }), { rule: 'allow', port: '22', proto: 'tcp' }, ['ufw allow in proto tcp from any to any port 22']],
    ['new rule', state(), { rule: 'allow', port: '26379', proto: 'tcp' }, ['ufw allow in proto tcp from any to any port 26379']],
    ['delete existing', state(), { rule: 'deny', port: '53', interface: 'eth0', delete: true }, ['ufw delete deny in on eth0 from any to any port 53']],
    ['delete absent → ok', state(), { rule: 'deny', port: '54', delete: true }, []],
    ['policy unchanged → ok (no reload every run)', state({ enabled: true }), { default: 'deny', direction: 'incoming' }, []],
    ['policy change while disabled is still a change (#65443)', state(), { default: 'reject', direction: 'incoming' }, ['default reject incoming']],
    ['routed policy', state(), { policy: 'allow', direction: 'routed' }, ['default allow routed']],
    ['logging on when low → ok', state(), { logging: 'on' }, []],
    ['logging off when low → change', state(), { logging: 'off' }, ['logging off']],
    ['enable when disabled', state(), { state: 'enabled' }, ['enable ufw']],
    ['enable when enabled → ok', state({ enabled: true }), { state: 'enabled' }, []],
    ['disable when enabled', state({ enabled: true }), { state: 'disabled' }, ['disable ufw']],
    ['reload always', state({ enabled: true }), { state: 'reloaded' }, ['reload ufw']],
  ];
  for (const [name, cur, args, expected] of table) assert.deepEqual(summaries(cur, args), expected, name);
});

test('lock-out guard: no enabling with incoming denied unless the SSH port is allowed', () => {
  const noSsh = state({ rules: parseUserRules('### tuple ### allow tcp 6379 0.0.0.0/0 any 0.0.0.0/0 in\n', false) });
  const refused = planUfw(noSsh, { state: 'enabled' });
  assert.deepEqual(refused.changes, []);
  assert.match(refused.fail ?? '', /port 22, the port this SSH connection uses.*allow_lockout: true/s);
  assert.equal(planUfw(noSsh, { state: 'enabled', allow_lockout: true }).fail, undefined);
  assert.equal(planUfw(state(), { state: 'enabled' }).fail, undefined, 'port 22 allowed');
  assert.equal(planUfw({ ...noSsh, sshPort: 2222 }, { state: 'enabled' }).fail !== undefined, true);
  assert.equal(planUfw({ ...noSsh, sshPort: 6379 }, { state: 'enabled' }).fail, undefined, 'a rule covers 6379');
  assert.equal(planUfw({ ...noSsh, sshPort: undefined }, { state: 'enabled' }).fail, undefined, 'local connection: no guard');
  const openEnabled = state({ enabled: true, defaults: { incoming: 'allow', outgoing: 'allow', routed: 'deny', ipv6: true }, rules: [] });
  assert.match(planUfw(openEnabled, { default: 'deny', direction: 'incoming' }).fail ?? '', /lock us out/);
  const limited: UfwTuple[] = parseUserRules('### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n', false);
  assert.equal(planUfw(state({ rules: limited }), { state: 'enabled' }).fail, undefined, 'limit counts as allowed');
  const portRulesOnly = state().rules.filter((r) => r.dapp === '');
  assert.match(planUfw(state({ enabled: true, rules: portRulesOnly }), { rule: 'allow', port: '22', proto: 'tcp', delete: true }).fail ?? '', /lock us out/, 'deleting the SSH rule while enabled');
  // an OpenSSH application rule is recorded with its port (22): it keeps the way in open
  assert.equal(planUfw(state({ enabled: true }), { rule: 'allow', port: '22', proto: 'tcp', delete: true }).fail, undefined, 'OpenSSH profile still allows 22');
});

test('read: ufw missing is a clear error, a planned change under --check', async () => {
  const missing = fakeContext({ rules: [[/command -v ufw/, { stdout: '@@conf\n@@defaults\n@@user\n@@user6\n@@end\n' }]] });
  await assert.rejects(ufw.read(missing.ctx, { state: 'enabled' }), /ufw is not installed; add an apt task installing ufw before this one/);
  const check = fakeContext({ check: true, sshPort: 22, rules: [[/command -v ufw/, { stdout: '@@conf\n@@defaults\n@@user\n@@user6\n@@end\n' }]] });
  const cur = await ufw.read(check.ctx, { state: 'enabled' });
  const plan = ufw.plan(cur, { state: 'enabled' });
  assert.deepEqual(plan.changes.map((c) => c.summary), ['enable ufw']);
  assert.equal(plan.fail, undefined);
});

test('read parses the files from one round trip; a re-run of an applied rule is ok; unreadable files ask for become', async () => {
  const out = `@@installed\n@@conf\nENABLED=yes\nLOGLEVEL=low\n@@defaults\nIPV6=yes\nDEFAULT_INPUT_POLICY="DROP"\n@@user\n${USER_RULES}@@user6\n${USER6}@@end\n`;
  const fake = fakeContext({ sshPort: 22, rules: [[/command -v ufw/, { stdout: out }]] });
  const cur = await ufw.read(fake.ctx, { rule: 'allow', port: 22, proto: 'tcp' });
  assert.equal(fake.commands.length, 1);
  assert.deepEqual(ufw.plan(cur, { rule: 'allow', port: 22, proto: 'tcp' }).changes, []);
  const denied = fakeContext({ rules: [[/command -v ufw/, { stdout: '@@installed\n@@unreadable\n/etc/ufw/user.rules\n@@conf\n' }]] });
  await assert.rejects(ufw.read(denied.ctx, {}), /become: true/);
});

test('apply: enable is forced (no prompt), rule words are quoted, ERROR output fails', async () => {
  const fake = fakeContext();
  await ufw.apply!(fake.ctx, planUfw(state({ rules: [] }), { rule: 'allow', port: '22', proto: 'tcp', comment: "it's $(reboot)" }), {}, undefined);
  assert.equal(fake.texts()[0], `ufw allow in proto tcp from any to any port 22 comment 'it'\\''s $(reboot)'`);
  const enable = fakeContext();
  await ufw.apply!(enable.ctx, planUfw(state(), { state: 'enabled' }), {}, undefined);
  assert.equal(enable.texts()[0], 'ufw --force enable');
  const bad = fakeContext({ rules: [[/ufw/, { stdout: 'ERROR: Bad port' }]] });
  await assert.rejects(ufw.apply!(bad.ctx, planUfw(state(), { rule: 'allow', port: '9' }), {}, undefined), /Bad port/);
});
