/**
 * TRUST_PROXY as Fastify and the connection caps use it: which peers are proxies whose
 * X-Forwarded-For names the client.
 */
import { BlockList, isIPv4 } from 'node:net';
import type { TrustProxy } from '../config.js';

/** proxy-addr's question: may the address `hop` steps from us (0: the socket's peer) forward for another? */
type TrustFunction = (address: string, hop: number) => boolean;

/**
 * Fastify's `trustProxy`. A hop count is a function here: Fastify takes a bare number as
 * "trust nobody" (a hop count cannot check who the peer is), which would silently put every
 * client behind the proxy in one per-IP bucket. As with Express, `n` believes the `n`
 * nearest hops, so with `1` the client is the address the one proxy in front appended;
 * that is only safe when clients cannot reach Confab but through the proxies (README).
 */
export function fastifyTrustProxy(trustProxy: TrustProxy): boolean | string[] | TrustFunction {
  if (typeof trustProxy !== 'number') return trustProxy;
  const hops = trustProxy;
  return (_address, hop) => hop < hops;
}

/** Whether a peer is one of the trusted proxies (the addresses Fastify takes X-Forwarded-For from). */
export function proxyMatcher(trustProxy: TrustProxy): (address: string) => boolean {
  if (trustProxy === false) return () => false;
  // A hop count, or `true`, trusts whichever peer connects: every client is behind the proxy.
  if (!Array.isArray(trustProxy)) return () => true;
  const proxies = new BlockList();
  for (const entry of trustProxy) {
    const [address = '', prefix] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) proxies.addAddress(address, family);
    else proxies.addSubnet(address, Number(prefix), family);
  }
  return (address) => {
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
    const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
    return proxies.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
  };
}
