import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostAddress, hostNames, isInSubnet, parseSubnet, subnetConflicts, vethName } from '../../../src/lab/addresses.js';

// Lab N (RUN_PLAYBOOK_LAB_ID, as the lab test jobs export it) defaults to 10.213.(37+N).0/24 and names 'rplN…'.
const third = 37 + Number(process.env.RUN_PLAYBOOK_LAB_ID ?? 0);

test('the default subnet: bridge on .1, hosts from .10', () => {
  const s = parseSubnet();
  assert.deepEqual(s, { prefix: `10.213.${third}`, cidr: `10.213.${third}.0/24`, bridgeAddress: `10.213.${third}.1` });
  assert.equal(hostAddress(s, 0), `10.213.${third}.10`);
  assert.equal(hostAddress(s, 49), `10.213.${third}.59`);
  assert.throws(() => hostAddress(s, 245), /too many lab hosts/);
});

test('only private /24s ending in .0 are accepted', () => {
  assert.equal(parseSubnet('192.168.77.0/24').bridgeAddress, '192.168.77.1');
  assert.equal(parseSubnet('172.20.1.0/24').prefix, '172.20.1');
  assert.throws(() => parseSubnet('8.8.8.0/24'), /not private/);
  assert.throws(() => parseSubnet('10.0.0.0/16'), /invalid lab subnet/);
  assert.throws(() => parseSubnet('10.0.300.0/24'), /invalid lab subnet/);
});

test('subnet membership is exact', () => {
  const s = parseSubnet('10.213.37.0/24');
  assert.equal(isInSubnet(s, '10.213.37.12'), true);
  assert.equal(isInSubnet(s, '10.213.3.12'), false);
  assert.equal(isInSubnet(s, '192.168.32.10'), false);
});

test('host names: the documented three, labN, lightN, or given names', () => {
  assert.deepEqual(hostNames(undefined, false), ['redismaster', 'redisslave1', 'redisslave2']);
  assert.deepEqual(hostNames(3, false), ['redismaster', 'redisslave1', 'redisslave2']);
  assert.deepEqual(hostNames(2, false), ['lab1', 'lab2']);
  assert.deepEqual(hostNames(3, true), ['light1', 'light2', 'light3']);
  assert.deepEqual(hostNames(['a1', 'b2'], false), ['a1', 'b2']);
  assert.throws(() => hostNames(['a', 'a'], false), /given twice/);
  assert.throws(() => hostNames(['Bad_Name'], false), /invalid lab host name/);
  assert.throws(() => hostNames(0, false), /at least 1/);
  assert.throws(() => hostNames(300, true), /too many/);
});

test('veth names fit the kernel limit of 15 characters', () => {
  assert.equal(vethName('10.213.37.254'), `${process.env.RUN_PLAYBOOK_LAB_ID ? `rpl${process.env.RUN_PLAYBOOK_LAB_ID}` : 'rplab'}-v254`);
  assert.ok(vethName('10.213.37.254').length <= 15);
});

test('a /24 already on this machine (another lab, a real LAN) is a conflict; wider routes are not', () => {
  const addrs = [
    '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
    '4: eth0    inet 192.168.1.20/24 brd 192.168.1.255 scope global eth0\\       valid_lft forever',
    '547: rpl40    inet 10.213.41.1/24 scope global rpl40\\       valid_lft forever preferred_lft forever',
  ].join('\n');
  const routes = [
    'default via 192.168.1.1 dev eth0',
    '10.0.0.0/8 via 192.168.1.254 dev eth0',
    '10.213.41.0/24 dev rpl40 proto kernel scope link src 10.213.41.1',
    '10.213.50.128/25 via 192.168.1.254 dev eth0',
    'local 10.213.41.1 dev rpl40 table local proto kernel scope host src 10.213.41.1',
  ].join('\n');
  assert.deepEqual(subnetConflicts(parseSubnet('10.213.37.0/24'), addrs, routes), []);
  assert.deepEqual(subnetConflicts(parseSubnet('10.213.41.0/24'), addrs, routes), [
    'address 10.213.41.1 on rpl40',
    'route 10.213.41.0/24 dev rpl40 proto kernel scope link src 10.213.41.1',
    'route local 10.213.41.1 dev rpl40 table local proto kernel scope host src 10.213.41.1',
  ]);
  assert.deepEqual(subnetConflicts(parseSubnet('192.168.1.0/24'), addrs, routes), ['address 192.168.1.20 on eth0']);
  assert.deepEqual(subnetConflicts(parseSubnet('10.213.50.0/24'), addrs, routes), ['route 10.213.50.128/25 via 192.168.1.254 dev eth0']);
});
