import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostAddress, hostNames, isInSubnet, parseSubnet, vethName } from '../../../src/lab/addresses.js';

test('the default subnet: bridge on .1, hosts from .10', () => {
  const s = parseSubnet();
  assert.deepEqual(s, { prefix: '10.213.37', cidr: '10.213.37.0/24', bridgeAddress: '10.213.37.1' });
  assert.equal(hostAddress(s, 0), '10.213.37.10');
  assert.equal(hostAddress(s, 49), '10.213.37.59');
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
  assert.equal(vethName('10.213.37.254'), 'rplab-v254');
  assert.ok(vethName('10.213.37.254').length <= 15);
});
