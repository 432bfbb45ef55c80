// <video>/<audio> bound to a MediaStreamTrack (srcObject can only be set from JS).
import { useEffect, useRef } from 'react';

interface VideoProps {
  track: MediaStreamTrack | null;
  mirror?: boolean;
  className?: string;
  testId?: string;
  label?: string;
}

export function TrackVideo({ track, mirror, className, testId, label }: VideoProps) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = track ? new MediaStream([track]) : null;
    if (track) el.play().catch(() => undefined); // muted video may always autoplay; ignore aborts
    return () => {
      el.srcObject = null;
    };
  }, [track]);
  return (
    <video
      ref={ref}
      className={`${className ?? ''}${mirror ? ' is-mirrored' : ''}`}
      data-testid={testId}
      aria-label={label}
      autoPlay
      playsInline
      muted
      disablePictureInPicture
    />
  );
}

interface AudioProps {
  track: MediaStreamTrack;
  consumerId: string;
  onBlocked(consumerId: string, blocked: boolean): void;
}

/** One remote audio consumer. Autoplay may be refused until the user taps the page. */
export function RemoteAudio({ track, consumerId, onBlocked }: AudioProps) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([track]);
    return () => {
      el.srcObject = null;
      onBlocked(consumerId, false);
    };
  }, [track, consumerId, onBlocked]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.play().then(
      () => onBlocked(consumerId, false),
      (err: unknown) => {
        if (err && typeof err === 'object' && (err as { name?: string }).name === 'NotAllowedError') onBlocked(consumerId, true);
      },
    );
  }, [track, consumerId, onBlocked]);
  return <audio ref={ref} autoPlay data-testid="remote-audio" data-consumer-id={consumerId} />;
}

/** Retries play() on every remote audio element; call it inside a click handler (user gesture). */
export function unlockRemoteAudio(onBlocked: (consumerId: string, blocked: boolean) => void): void {
  document.querySelectorAll<HTMLAudioElement>('audio[data-testid="remote-audio"]').forEach((el) => {
    const id = el.dataset.consumerId ?? '';
    el.play().then(
      () => onBlocked(id, false),
      () => onBlocked(id, true),
    );
  });
}
