// Canonical content of an agreement and its SHA-256: what signing locks a version by. Only what
// the parties agree to is hashed (title, case number, parties, facts, clauses, performance, and the
// notices printed after the clauses as they stood at lock);
// the version counter, comments, suggestions, the creation time and the planned signing date are
// not, since the signatures themselves fix when the agreement was signed. Each clause also gets
// its own hash so a signature page can refer to a clause by id and hash.
import { digest } from 'lib0/hash/sha256';
import type { AgreementSnapshot, BlockSnapshot } from './document.ts';

export const CANONICAL_FORMAT = 'jiefen.agreement/1';

/** JSON with object keys sorted at every level, no whitespace, strings in Unicode NFC. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN/Infinity');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return JSON.stringify(value.normalize('NFC'));
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k.normalize('NFC'), v] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold ${typeof value}`);
}

export function sha256Hex(text: string): string {
  return [...digest(new TextEncoder().encode(text))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface CanonicalContent {
  json: string;
  sha256: string;
  /** Per clause, in agreement order. */
  clauses: { id: string; sha256: string }[];
}

function block(b: BlockSnapshot) {
  return { text: b.text, fields: b.fields };
}

export function canonicalAgreementContent(s: AgreementSnapshot): CanonicalContent {
  const clauses = s.clauses.map((c) => ({ id: c.id, title: c.title, text: c.text, fields: c.fields }));
  const content = {
    format: CANONICAL_FORMAT,
    meta: {
      title: s.meta.title,
      caseNumber: s.meta.caseNumber,
      templateId: s.meta.templateId,
      templateVersion: s.meta.templateVersion,
      disputeType: s.meta.disputeType,
      orgName: s.meta.orgName,
    },
    parties: s.parties,
    sections: { facts: block(s.sections.facts), issues: block(s.sections.issues), liability: block(s.sections.liability) },
    clauses,
    performance: s.performance,
    // Fixed at lock; absent (and so not hashed) on drafts and on rounds locked before.
    notices: s.notices,
  };
  const json = canonicalJson(content);
  return { json, sha256: sha256Hex(json), clauses: clauses.map((c) => ({ id: c.id, sha256: sha256Hex(canonicalJson(c)) })) };
}
