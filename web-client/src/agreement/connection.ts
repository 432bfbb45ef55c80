// The agreement draft as a live Y.Doc: a HocuspocusProvider on /drafting (party: link token; staff:
// the session cookie rides on the upgrade), plus a throttled snapshot (readAgreement) and checker
// findings for React via subscribe/getState. No React here.
import { HocuspocusProvider } from '@hocuspocus/provider';
import * as Y from 'yjs';
import { checkAgreement, type Finding } from '../../../signaling/agreement/checker.ts';
import { isAgreementInitialised, readAgreement, type AgreementSnapshot } from '../../../signaling/agreement/document.ts';

/** Must match DRAFTING_PATH in signaling/drafting/drafting-server.ts (not imported: node-only deps). */
export const DRAFTING_PATH = '/drafting';
/** Same as agreementDocName() in signaling/drafting/doc-name.ts (the e2e test checks it against the server). */
export const agreementDocName = (caseId: string) => `agreement:${caseId}`;

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'denied';

export interface PresenceUser {
  name: string;
  roleLabel: string;
  color: string;
}

export interface PresenceEntry {
  clientId: number;
  self: boolean;
  user: PresenceUser | null;
  /** The clause (or section key) the person's caret is in. */
  editing: { clauseId: string | null; section: string | null } | null;
}

export interface AgreementState {
  status: ConnectionStatus;
  synced: boolean;
  /** 'read-write' for editors; 'readonly' for parties/observers; null before authentication. */
  scope: 'read-write' | 'readonly' | null;
  deniedReason: string | null;
  /** null until the document has content (initialised). */
  snapshot: AgreementSnapshot | null;
  snapshotError: string | null;
  findings: Finding[];
  presence: PresenceEntry[];
  unsynced: number;
  /** The server dropped the connection because its disk is full: edits are kept here and resent. */
  storageFull: boolean;
}

/** Transaction origin of this browser's own edits. */
export const LOCAL_ORIGIN = Symbol('agreement:local');

const SNAPSHOT_THROTTLE_MS = 150;

export function draftingUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${DRAFTING_PATH}`;
}

export class AgreementConnection {
  readonly doc = new Y.Doc();
  readonly provider: HocuspocusProvider;
  readonly caseId: string;
  #state: AgreementState = {
    status: 'connecting',
    synced: false,
    scope: null,
    deniedReason: null,
    snapshot: null,
    snapshotError: null,
    findings: [],
    presence: [],
    unsynced: 0,
    storageFull: false,
  };
  readonly #listeners = new Set<() => void>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastSnapshotAt = 0;
  #destroyed = false;

  constructor(opts: { caseId: string; token?: string | null; url?: string }) {
    this.caseId = opts.caseId;
    this.provider = new HocuspocusProvider({
      url: opts.url ?? draftingUrl(),
      name: agreementDocName(opts.caseId),
      document: this.doc,
      token: opts.token ?? '',
      onStatus: ({ status }) => this.#set({ status: this.#state.status === 'denied' ? 'denied' : (status as ConnectionStatus) }),
      onSynced: ({ state }) => {
        this.#set({ synced: state });
        this.#refresh(true);
      },
      onAuthenticated: ({ scope }) => this.#set({ scope }),
      onAuthenticationFailed: ({ reason }) => {
        this.#set({ status: 'denied', deniedReason: reason });
        // No point in retrying with the same credentials.
        this.provider.disconnect();
      },
      onAwarenessChange: () => this.#set({ presence: this.#presence() }),
      onUnsyncedChanges: ({ number }) => this.#set({ unsynced: number, ...(number === 0 ? { storageFull: false } : {}) }),
      // Must match STORAGE_FULL_CLOSE_CODE in signaling/drafting/tainted-documents.ts.
      onClose: ({ event }) => {
        if (event.code === 4507 || event.reason === 'STORAGE_FULL') this.#set({ storageFull: true });
      },
    });
    this.doc.on('update', this.#onUpdate);
  }

  #onUpdate = () => this.#refresh(false);

  subscribe = (cb: () => void): (() => void) => {
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  };

  getState = (): AgreementState => this.#state;

  #set(patch: Partial<AgreementState>): void {
    if (this.#destroyed) return;
    this.#state = { ...this.#state, ...patch };
    for (const l of this.#listeners) l();
  }

  /** Re-reads the snapshot and findings, at most every SNAPSHOT_THROTTLE_MS. */
  #refresh(now: boolean): void {
    if (this.#destroyed) return;
    const wait = now ? 0 : Math.max(0, this.#lastSnapshotAt + SNAPSHOT_THROTTLE_MS - Date.now());
    if (wait === 0) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#read();
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#read();
      }, wait);
    }
  }

  #read(): void {
    this.#lastSnapshotAt = Date.now();
    if (!isAgreementInitialised(this.doc)) {
      this.#set({ snapshot: null, snapshotError: null, findings: [] });
      return;
    }
    try {
      const snapshot = readAgreement(this.doc);
      let findings: Finding[] = [];
      try {
        findings = checkAgreement(snapshot);
      } catch {
        findings = [];
      }
      this.#set({ snapshot, snapshotError: null, findings });
    } catch (err) {
      this.#set({ snapshotError: err instanceof Error ? err.message : String(err) });
    }
  }

  #presence(): PresenceEntry[] {
    const awareness = this.provider.awareness;
    if (!awareness) return [];
    const out: PresenceEntry[] = [];
    for (const [clientId, state] of awareness.getStates()) {
      const s = state as { user?: PresenceUser; editing?: PresenceEntry['editing'] };
      const self = clientId === awareness.clientID;
      if (!self && !s.user) continue;
      out.push({ clientId, self, user: s.user ?? null, editing: s.editing ?? null });
    }
    return out;
  }

  /** Tells the others where my caret is (null when not editing). */
  setEditing(editing: PresenceEntry['editing']): void {
    const awareness = this.provider.awareness;
    if (!awareness) return;
    const cur = awareness.getLocalState()?.editing as PresenceEntry['editing'] | undefined;
    if (cur?.clauseId === editing?.clauseId && cur?.section === editing?.section && (cur === null) === (editing === null)) return;
    awareness.setLocalStateField('editing', editing);
  }

  /** Reads the snapshot now (after a local edit the UI wants to show at once). */
  refreshNow(): void {
    this.#refresh(true);
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.doc.off('update', this.#onUpdate);
    this.#listeners.clear();
    this.provider.destroy();
    this.doc.destroy();
  }
}
