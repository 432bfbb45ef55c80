// The agreement domain: templates, the Yjs 调解协议书 model, editing helpers, versions and diffs,
// canonical hashing, the completeness checker and court documents. Plain modules (yjs, zod, lib0)
// that run on the server and in the browser. The file loader lives apart, in template-loader.ts,
// because it needs node:fs.

export * from './money.ts';
export * from './dates.ts';
export * from './fields.ts';
export * from './template-schema.ts';
export * from './document.ts';
export * from './editing.ts';
export * from './text-diff.ts';
export * from './versions.ts';
export * from './canonical.ts';
export * from './checker.ts';
export * from './court.ts';
