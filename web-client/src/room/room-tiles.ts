// The tiles of the grid, from the roster I am shown: my own from my local tracks (I am always there,
// first), the others' from their producers and the consumers I receive of them.
import type { PeerInfo } from './protocol.ts';
import type { RoomState } from './room-client.ts';
import { orderPeers } from './room-state.ts';
import type { AudioState, TileModel, VideoState } from './VideoTile.tsx';

export function buildTiles(state: RoomState, peers: PeerInfo[]): TileModel[] {
  const self = state.self;
  const selfId = self?.peerId ?? null;
  let roster = peers;
  if (self && !roster.some((p) => p.peerId === self.peerId)) {
    roster = [
      {
        peerId: self.peerId,
        displayName: self.displayName,
        roomRole: self.roomRole,
        roleLabel: self.roleLabel,
        side: self.side,
        connected: true,
        mode: null,
        producers: [],
      },
      ...roster,
    ];
  }
  const L = state.local;
  return orderPeers(roster, selfId).map((peer): TileModel => {
    if (peer.peerId === selfId) {
      const audio: AudioState = !L.audioTrack ? 'none' : L.audioAdminMuted ? 'admin-muted' : L.micMuted ? 'muted' : 'on';
      const video: VideoState = !L.videoTrack ? 'none' : L.videoAdminMuted ? 'admin-off' : L.camOff ? 'off' : 'on';
      // My own connection state is shown by the banner, not over my video.
      return {
        peer: { ...peer, connected: true },
        isSelf: true,
        speaking: state.activeSpeaker === peer.peerId,
        videoTrack: L.videoTrack,
        audio,
        video,
        paused: false,
        audioOnly: state.audioOnly !== null,
        viewerAudioOnly: state.audioOnly !== null,
      };
    }
    const mine = state.remote.filter((r) => r.peerId === peer.peerId);
    const rv = mine.find((r) => r.kind === 'video' && r.source === 'camera') ?? mine.find((r) => r.kind === 'video');
    const ra = mine.find((r) => r.kind === 'audio');
    const pa = peer.producers.find((p) => p.kind === 'audio');
    const pv = peer.producers.find((p) => p.kind === 'video' && p.source === 'camera') ?? peer.producers.find((p) => p.kind === 'video');
    const audio: AudioState = !pa ? 'none' : pa.adminMuted ? 'admin-muted' : pa.paused || ra?.paused ? 'muted' : 'on';
    const video: VideoState = !pv ? 'none' : pv.adminMuted ? 'admin-off' : pv.paused || rv?.paused ? 'off' : 'on';
    return {
      peer,
      isSelf: false,
      speaking: state.activeSpeaker === peer.peerId,
      videoTrack: rv?.track ?? null,
      audio,
      video,
      // In 仅语音 the server pauses the video I would receive: that is not the sender's pause.
      paused: mine.some((r) => r.paused && !(r.kind === 'video' && state.audioOnly)),
      audioOnly: !!peer.audioOnly,
      viewerAudioOnly: state.audioOnly !== null,
    };
  });
}
