// In-process notices about access that changed, for the long-lived connections that checked it
// once at connect time (room sockets, drafting WebSockets): a revoked link must cut them off now,
// not at their next reconnect.
import { EventEmitter } from 'node:events';

export interface LinkRevoked {
  caseId: string;
  invitationId: string;
  participantId: string;
}

export class AccessEvents extends EventEmitter<{ linkRevoked: [LinkRevoked] }> {}
