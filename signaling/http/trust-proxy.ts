// Which reverse proxies in front of the server are trusted to say who the client is
// (X-Forwarded-For) and how it connected (X-Forwarded-Proto). TRUST_PROXY is off by default:
// then forwarding headers are ignored and the client is the TCP peer. A number trusts that many
// hops next to the server; a list of addresses and CIDR ranges (or `loopback`) trusts those proxies.
// The same rule serves fastify (`trustProxy`) and the socket/WebSocket upgrades that bypass it.
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

export type TrustProxySetting = { kind: 'off' } | { kind: 'hops'; hops: number } | { kind: 'addresses'; ranges: string[] };

const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Parses TRUST_PROXY; throws with a sentence naming the bad part. */
export function parseTrustProxy(raw: string | undefined): TrustProxySetting {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'off' || value === '0' || value === 'false') return { kind: 'off' };
  if (/^\d+$/.test(value)) return { kind: 'hops', hops: Number(value) };
  const ranges: string[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    if (!part) continue;
    if (NAMED_RANGES[part]) {
      ranges.push(...NAMED_RANGES[part]);
      continue;
    }
    const [address, prefix] = part.split('/') as [string, string | undefined];
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    if (!family || (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= max))) {
      throw new Error(`"${part}" is not an IP address, a CIDR range, loopback or private`);
    }
    ranges.push(prefix === undefined ? `${address}/${max}` : part);
  }
  return { kind: 'addresses', ranges };
}

/** Whether the proxy at `address`, `hop` steps from the server (0 = the TCP peer), is trusted. */
export type ProxyTrust = (address: string, hop: number) => boolean;

const unmapped = (address: string) => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

const compiled = new WeakMap<TrustProxySetting, ProxyTrust | false>();

/** The trust function for fastify's `trustProxy` (false when off). */
export function proxyTrust(setting: TrustProxySetting): ProxyTrust | false {
  const known = compiled.get(setting);
  if (known !== undefined) return known;
  let trust: ProxyTrust | false = false;
  if (setting.kind === 'hops') trust = (_address, hop) => hop < setting.hops;
  if (setting.kind === 'addresses') {
    const list = new BlockList();
    for (const range of setting.ranges) {
      const [address, prefix] = range.split('/') as [string, string];
      list.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
    }
    trust = (address) => {
      const a = unmapped(address);
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6');
    };
  }
  compiled.set(setting, trust);
  return trust;
}

/**
 * The client's address for a raw request (socket.io handshakes, drafting WebSocket upgrades), by
 * the same rule fastify applies to `request.ip`: walk X-Forwarded-For from the nearest hop while
 * the hop is a trusted proxy.
 */
export function clientAddress(setting: TrustProxySetting, req: Pick<IncomingMessage, 'headers' | 'socket'>): string {
  const peer = req.socket.remoteAddress ?? '';
  const trust = proxyTrust(setting);
  if (!trust) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .reverse();
  const chain = [peer, ...forwarded];
  let i = 0;
  while (i < chain.length - 1 && trust(chain[i]!, i)) i++;
  return chain[i]!;
}

/** Whether a request came through a proxy (it carries forwarding headers), trusted or not. */
export function viaProxy(headers: IncomingMessage['headers']): boolean {
  return headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined || headers['x-real-ip'] !== undefined;
}
