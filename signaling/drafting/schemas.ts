// The agreement-draft HTTP contract (OpenAPI, response serialisation, the web client's types):
// suggestions and comments, notepad proposals, named versions and their readable diff.
import { Type } from '@sinclair/typebox';
import { SECTION_KEYS } from '../agreement/document.ts';
import { Text } from '../http/schemas.ts';

export const ClauseId = Type.String({ minLength: 3, maxLength: 64, pattern: '^c_[a-z0-9]+$' });
export const Section = Type.Union(SECTION_KEYS.map((k) => Type.Literal(k)));

export const Annotation = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    clauseId: Type.Union([Type.String(), Type.Null()]),
    section: Type.Union([Type.String(), Type.Null()]),
    authorPeerId: Type.String(),
    authorName: Type.String(),
    text: Type.String(),
    status: Type.String(),
    createdAt: Type.String(),
    resolvedBy: Type.Union([Type.String(), Type.Null()]),
    resolvedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: true },
);

export const VersionView = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  name: Type.String(),
  sha256: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.Object({ id: Type.String(), name: Type.String() }),
});

export const VersionDiffView = Type.Object({
  from: Type.Union([Type.Integer(), Type.Null()]),
  to: Type.Union([Type.Integer(), Type.Null()]),
  /** Readable Chinese lines (formatDiff). */
  lines: Type.Array(Type.String()),
  diff: Type.Unknown(),
});

/** A change proposed to one clause (or section); 'replace' over the whole text when index/length are omitted. */
export const SuggestionBody = Type.Object(
  {
    clauseId: Type.Optional(ClauseId),
    section: Type.Optional(Section),
    kind: Type.Optional(Type.Union([Type.Literal('replace'), Type.Literal('insert'), Type.Literal('delete')])),
    index: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    length: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    text: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);

/** Mediator: a proposal from a side's caucus notepad, appended to or replacing a clause. */
export const NotepadProposalBody = Type.Object(
  {
    fromSide: Type.Union([Type.Literal('A'), Type.Literal('B')]),
    clauseId: Type.Optional(ClauseId),
    section: Type.Optional(Section),
    mode: Type.Union([Type.Literal('append'), Type.Literal('replace')]),
    text: Text(4000),
  },
  { additionalProperties: false },
);
