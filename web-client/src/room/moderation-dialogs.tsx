// The two confirmations whoever leads the room must give: removing a participant and ending the
// session. Each shows its progress and the server's refusal in the dialog, and closes on success.
import { useState } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { errorMessage, type PeerInfo } from './protocol.ts';
import type { RoomClient } from './room-client.ts';

function useDialogAction(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function RemovePeerDialog({ client, peer, onClose }: { client: RoomClient; peer: PeerInfo; onClose(): void }) {
  const { busy, error, run } = useDialogAction(onClose);
  return (
    <ConfirmDialog
      title={`将 ${peer.displayName} 移出调解室？`}
      confirmText="移出"
      danger
      busy={busy}
      error={error}
      onCancel={onClose}
      onConfirm={() => void run(() => client.remove(peer.peerId))}
    >
      <p>被移出的参与人需重新在等候区等待您准许才能再次进入。此操作将记入案件审计记录。</p>
    </ConfirmDialog>
  );
}

export function EndSessionDialog({ client, onClose }: { client: RoomClient; onClose(): void }) {
  const { busy, error, run } = useDialogAction(onClose);
  return (
    <ConfirmDialog
      title="结束本次在线调解？"
      confirmText="结束调解"
      danger
      busy={busy}
      error={error}
      onCancel={onClose}
      onConfirm={() => void run(() => client.end())}
    >
      <p>所有参与人将离开调解室，音视频和聊天随即结束。</p>
    </ConfirmDialog>
  );
}
