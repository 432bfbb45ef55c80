// The demo drives the mediators' side through the server's own HTTP API, as a mediator's browser
// would (login, CSRF header, JSON): cases, parties, links, co-mediators and the signing lock all
// go through the same routes, grants and validation as real work.
import { DomainError } from '../errors.ts';

export class DemoStaffSession {
  private cookie = '';
  private csrfToken = '';

  private constructor(private readonly baseUrl: string) {}

  static async login(baseUrl: string, username: string, password: string): Promise<DemoStaffSession> {
    const s = new DemoStaffSession(baseUrl);
    const res = await s.call('POST', '/api/auth/login', { username, password });
    s.cookie = (res.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
    s.csrfToken = ((await res.json()) as { csrfToken: string }).csrfToken;
    return s;
  }

  /** The answer's JSON; any refusal stops the seeding with the server's message. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.call(method, path, body)).json()) as T;
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    const res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new DomainError('INTERNAL', `演示数据：${method} ${path} → ${res.status} ${await res.text()}`);
    return res;
  }
}
