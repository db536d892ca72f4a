/** The reversed names that DNSBL queries and PTR lookups use. */
import ipaddr from 'ipaddr.js';

/** The reversed form DNSBLs expect: 5.113.0.203 for IPv4, 32 reversed nibbles for IPv6 (RFC 5782). */
export function reverseName(ip: string): string {
  // Addresses come here normalised (parseTarget): a dotted quad needs no parsing, and a
  // bulk check reverses every address twice (its lists and its PTR).
  if (!ip.includes(':')) return ip.split('.').reverse().join('.');
  const nibbles: string[] = [];
  for (const byte of ipaddr.IPv6.parse(ip).toByteArray()) nibbles.push((byte >> 4).toString(16), (byte & 15).toString(16));
  return nibbles.reverse().join('.');
}

/** 203.0.113.5 → 5.113.0.203.in-addr.arpa; IPv6 → its nibble form under ip6.arpa. */
export function arpaName(ip: string): string {
  return `${reverseName(ip)}.${ip.includes(':') ? 'ip6' : 'in-addr'}.arpa`;
}
