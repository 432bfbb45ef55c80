// Loads agreement-templates/*.json at start. Every problem in every file is collected into one
// TemplateLoadError naming the file and the field, so a broken template stops the start with a
// message the operator can act on. (Node only: the browser gets templates from the API.)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DISPUTE_TYPE_KEYS } from '../domain/vocabulary.ts';
import { COURT_DOCUMENT_KINDS, parseTemplate, TemplateCatalog, type Template } from './template-schema.ts';

/** The templates shipped with jiefen. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../agreement-templates/', import.meta.url));

export class TemplateLoadError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid agreement templates:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TemplateLoadError';
  }
}

export interface LoadTemplatesOptions {
  /** Also require one agreement template per dispute type and each court document (default false). */
  requireComplete?: boolean;
}

/** Reads and validates every *.json file in dir. Throws TemplateLoadError listing all problems. */
export function loadTemplates(dir: string, opts: LoadTemplatesOptions = {}): TemplateCatalog {
  const problems: string[] = [];
  const templates: Template[] = [];
  const sourceOf = new Map<Template, string>();
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (err) {
    throw new TemplateLoadError([`${dir}: cannot read the template directory (${(err as Error).message})`]);
  }
  for (const file of files) {
    const where = path.join(dir, file);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(where, 'utf8'));
    } catch (err) {
      problems.push(`${where}: not valid JSON (${(err as Error).message})`);
      continue;
    }
    const parsed = parseTemplate(json);
    if (!parsed.ok) {
      problems.push(...parsed.problems.map((p) => `${where}: ${p}`));
      continue;
    }
    const t = parsed.template;
    if (t.id !== path.basename(file, '.json')) {
      problems.push(`${where}: id: "${t.id}" must equal the file name "${path.basename(file, '.json')}"`);
      continue;
    }
    const clash = templates.find(
      (o) => (o.kind === 'agreement' && t.kind === 'agreement' && o.disputeType === t.disputeType) || (o.kind !== 'agreement' && o.kind === t.kind),
    );
    if (clash) {
      const what = t.kind === 'agreement' ? `disputeType: ${t.disputeType}` : `kind: ${t.kind}`;
      problems.push(`${where}: ${what} already has a template in ${sourceOf.get(clash)}`);
      continue;
    }
    templates.push(t);
    sourceOf.set(t, where);
  }
  if (opts.requireComplete) {
    for (const type of DISPUTE_TYPE_KEYS) {
      if (!templates.some((t) => t.kind === 'agreement' && t.disputeType === type)) problems.push(`${dir}: no agreement template for disputeType ${type}`);
    }
    for (const kind of COURT_DOCUMENT_KINDS) {
      if (!templates.some((t) => t.kind === kind)) problems.push(`${dir}: no template of kind ${kind}`);
    }
  }
  if (problems.length) throw new TemplateLoadError(problems);
  return new TemplateCatalog(templates);
}

/** The shipped templates, complete. What the server calls at start. */
export function loadBuiltinTemplates(): TemplateCatalog {
  return loadTemplates(TEMPLATES_DIR, { requireComplete: true });
}
