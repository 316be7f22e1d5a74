/**
 * Where a webhook may point. Deliveries are requests the server makes on an admin's
 * behalf; a URL that reaches loopback, private or link-local addresses would let a
 * webhook probe the server's own network, so those are refused unless the operator
 * allows them (WEBHOOK_ALLOW_PRIVATE=1, for tests and local use). The check runs when
 * the URL is registered and again, on the resolved address, each time it is sent to.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { BadRequest } from './errors.js';

export const MAX_URL_LENGTH = 2048;

const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
/**
 * IPv6 is judged by an allow list: only global unicast (2000::/3) is reachable, less its
 * special ranges. Everything else — IPv4-compatible (::a.b.c.d), IPv4-translated
 * (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96), unique-local, link-local, multicast — may
 * reach internal addresses on networks with 6to4, NAT64 or SIIT, and is refused.
 */
const GLOBAL_V6 = new BlockList();
GLOBAL_V6.addSubnet('2000::', 3, 'ipv6');
const SPECIAL_V6 = new BlockList();
for (const [network, prefix] of [
  ['2001::', 32], // Teredo: an IPv4 address in disguise
  ['2001:2::', 48], // benchmarking
  ['2001:10::', 28], // ORCHID
  ['2001:20::', 28], // ORCHIDv2
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: 2002:7f00:1:: is 127.0.0.1
  ['3fff::', 20], // documentation
] as const) {
  SPECIAL_V6.addSubnet(network, prefix, 'ipv6');
}

/**
 * True for addresses a webhook must not reach. An IPv4-mapped IPv6 address (either
 * spelling: ::ffff:127.0.0.1 or ::ffff:7f00:1) is judged as the IPv4 address it maps.
 */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (mappedHex) {
    const high = parseInt(mappedHex[1]!, 16);
    const low = parseInt(mappedHex[2]!, 16);
    return BLOCKED.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4');
  }
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  return !GLOBAL_V6.check(address, 'ipv6') || SPECIAL_V6.check(address, 'ipv6');
}

/** Parses and checks a webhook URL; returns it normalized. */
export async function checkWebhookUrl(value: string, allowPrivate: boolean, fieldName = 'url'): Promise<string> {
  if (value.length > MAX_URL_LENGTH) throw BadRequest.invalidField(fieldName, `at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw BadRequest.invalidField(fieldName, 'not an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw BadRequest.invalidField(fieldName, 'not an http or https URL');
  if (url.username || url.password) throw BadRequest.notPermitted(fieldName, 'credentials in the URL are not accepted; use headers');
  if (!allowPrivate) {
    const addresses = await resolve(url.hostname);
    if (addresses === undefined) throw BadRequest.invalidField(fieldName, `the host '${url.hostname}' does not resolve`);
    if (addresses.some(isPrivateAddress)) {
      throw BadRequest.notPermitted(fieldName, 'the URL resolves to an address that is not global unicast (loopback, private, link-local or a transition range)');
    }
  }
  return url.toString();
}

async function resolve(hostname: string): Promise<string[] | undefined> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return [host];
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    return undefined;
  }
}
