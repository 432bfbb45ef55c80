// TURN for clients behind networks that block UDP or allow only TCP 443 (offices, some mobile
// networks). Credentials follow the TURN REST scheme coturn's `use-auth-secret` checks: the
// username carries its expiry, the password is HMAC-SHA1(shared secret, username) in base64. Each
// client gets a fresh pair with each transport it creates, valid TURN_CREDENTIAL_TTL_SEC; no static
// password ever reaches a browser.
import { createHash, createHmac } from 'node:crypto';

export interface TurnSettings {
  /** turn:/turns: URIs handed to clients, e.g. turns:turn.example.cn:443?transport=tcp. */
  urls: string[];
  /** The secret shared with the TURN server (coturn static-auth-secret). */
  secret: string;
  ttlSec: number;
}

export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

const TURN_URI = /^turns?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/;

/** Checks TURN_URLS; returns the problems (empty when fine). */
export function turnUrlProblems(urls: string[]): string[] {
  return urls.filter((u) => !TURN_URI.test(u)).map((u) => `TURN_URLS: ${u} is not a turn: or turns: URI (turns:host:443?transport=tcp)`);
}

/**
 * Credentials for one client. The username names the peer only by a hash (TURN servers log
 * usernames), so the TURN log shows which allocations belong together but not who they are.
 */
export function turnCredentials(settings: TurnSettings, peerId: string, now: Date = new Date()): IceServer {
  const expiry = Math.floor(now.getTime() / 1000) + settings.ttlSec;
  const tag = createHash('sha256').update(peerId).digest('base64url').slice(0, 12);
  const username = `${expiry}:${tag}`;
  const credential = createHmac('sha1', settings.secret).update(username).digest('base64');
  return { urls: settings.urls, username, credential };
}
