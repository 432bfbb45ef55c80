// Collaborative document names: one agreement draft per case, `agreement:<caseId>`.

const AGREEMENT = /^agreement:([a-z0-9]{8,40})$/;

export const agreementDocName = (caseId: string) => `agreement:${caseId}`;

/** The case id of an agreement document name, or null for anything else. */
export function caseIdOfDocName(name: string): string | null {
  return AGREEMENT.exec(name)?.[1] ?? null;
}
