// The React side of an AgreementConnection: one connection per case and token, closed when the
// editor goes away, its state read through useSyncExternalStore.
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { AgreementConnection, type AgreementState } from './connection.ts';

export function useAgreementConnection(caseId: string, token: string | null | undefined): [AgreementConnection, AgreementState] {
  const conn = useMemo(() => new AgreementConnection({ caseId, token }), [caseId, token]);
  useEffect(() => () => conn.destroy(), [conn]);
  const state = useSyncExternalStore(conn.subscribe, conn.getState, conn.getState);
  return [conn, state];
}
