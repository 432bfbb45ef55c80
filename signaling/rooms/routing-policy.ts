// Who may receive whose media and chat, computed from room state alone (a pure function).
// In the joint session every admitted participant receives every other admitted participant.
export interface PolicyMember {
  peerId: string;
  status: 'lobby' | 'admitted';
}

export function mayReceive(receiver: PolicyMember, sender: PolicyMember): boolean {
  return receiver.peerId !== sender.peerId && receiver.status === 'admitted' && sender.status === 'admitted';
}
