import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { canonicalAddress, nonDecimalIpv4, nonPublicRange, parseAddress } from '../../src/core/address-policy.js';

const rangeOf = (ip: string) => nonPublicRange(ipaddr.parse(ip))?.label;

describe('one address policy', () => {
  it.each([
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['192.168.1.1', /private/],
    ['127.0.0.2', /loopback/],
    ['169.254.169.254', /link-local/],
    ['100.64.0.9', /carrier-grade NAT/],
    ['0.1.2.3', /unspecified/],
    ['255.255.255.255', /broadcast/],
    ['224.0.0.5', /multicast/],
    ['240.0.0.1', /reserved \(240\.0\.0\.0\/4\)/],
    ['192.0.0.8', /IETF protocol assignments/],
    ['192.88.99.1', /6to4 relay anycast/],
    ['198.18.0.1', /benchmarking/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['fe80::1', /link-local/],
    ['fd00::1', /unique-local/],
    ['fec0::1', /site-local/],
    ['ff02::1', /multicast/],
    ['64:ff9b::a9fe:a9fe', /NAT64/],
    ['64:ff9b:1::a00:1', /NAT64/],
    ['2002:a00:1::1', /6to4/],
    ['2001:0:4136:e378::1', /Teredo/],
    ['100::1', /discard-only/],
    ['::ffff:0:a00:1', /IPv4-translated/],
    ['2001:2::1', /benchmarking/],
    ['2001:10::1', /ORCHID/],
    ['2001:20::1', /ORCHIDv2/],
    ['2001:100::1', /reserved/], // IETF protocol assignments (2001::/23)
    ['5f00::1', /SRv6/],
    ['4000::1', /reserved/], // outside global unicast 2000::/3
    ['::ffff:10.0.0.1', /private/], // IPv4-mapped: judged as the IPv4 address it is
  ])('refuses %s', (ip, label) => {
    expect(rangeOf(ip)).toMatch(label);
  });

  it.each([
    '203.0.113.5', // documentation ranges stay allowed: examples and tests use them
    '192.0.2.1',
    '198.51.100.7',
    '2001:db8::25',
    '3fff::1',
    '8.8.8.8',
    '2a00:1450:4001::1',
    '192.0.0.9', // globally reachable exceptions inside special blocks
    '2001:1::1',
    '192.31.196.1', // AS112: globally reachable
    '::ffff:203.0.113.5',
  ])('allows %s', (ip) => {
    expect(nonPublicRange(ipaddr.parse(ip))).toBeUndefined();
  });

  it('says which IPv4 address a NAT64 or 6to4 address stands for', () => {
    expect(nonPublicRange(ipaddr.parse('64:ff9b::a9fe:a9fe'))?.what).toContain('169.254.169.254');
    // Local-use NAT64 (RFC 8215) does not say where its IPv4 address sits: name the prefix, no guessed address.
    expect(nonPublicRange(ipaddr.parse('64:ff9b:1::a00:1'))?.what).toBe('a local-use NAT64 address (64:ff9b:1::/48, RFC 8215)');
    expect(nonPublicRange(ipaddr.parse('2002:a00:1::1'))?.instead).toBe('Check 10.0.0.1 itself.');
  });

  it('accepts only dotted-decimal IPv4 and plain IPv6', () => {
    expect(parseAddress('203.0.113.5')?.toString()).toBe('203.0.113.5');
    expect(parseAddress('::ffff:203.0.113.5')?.toString()).toBe('203.0.113.5');
    expect(canonicalAddress('2001:DB8:0::25')).toBe('2001:db8::25');
    for (const text of ['010.0.0.1', '0x7f.1', '127.1', '2130706433', '::ffff:010.0.0.1', 'fe80::1%eth0', 'mail.example.com']) {
      expect(parseAddress(text), text).toBeUndefined();
    }
  });

  it('explains IPv4 written in other notations, and leaves names and plain mistakes alone', () => {
    expect(nonDecimalIpv4('010.0.0.1')).toMatch(/not a dotted-decimal IPv4 address.*could be read as 8\.0\.0\.1/);
    expect(nonDecimalIpv4('0x7f.1')).toMatch(/could be read as 127\.0\.0\.1/);
    expect(nonDecimalIpv4('2130706433')).toMatch(/could be read as 127\.0\.0\.1/);
    expect(nonDecimalIpv4('203.0.113.5')).toBeUndefined();
    expect(nonDecimalIpv4('300.1.1.1')).toBeUndefined(); // plain, just out of range: said elsewhere
    expect(nonDecimalIpv4('mail.example.com')).toBeUndefined();
    expect(nonDecimalIpv4('0xcafe.example')).toBeUndefined();
  });
});
