// A handwritten signature drawn with a finger, pen or mouse (pointer events, no scrolling while
// drawing), exported as a PNG with a transparent background. The canvas keeps device pixels so
// strokes stay sharp on phones.
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';

export interface SignaturePadHandle {
  /** base64 PNG (no data: prefix), or null when nothing was drawn. */
  toPngBase64(): string | null;
  clear(): void;
}

interface Props {
  label: string;
  onChange?(hasInk: boolean): void;
  testId?: string;
}

const HEIGHT = 160;
/** Strokes shorter than this in total (CSS px) count as an accidental tap, not a signature. */
const MIN_INK = 60;

export const SignaturePad = forwardRef<SignaturePadHandle, Props>(function SignaturePad({ label, onChange, testId = 'signature-pad' }, ref) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const ink = useRef(0);
  const last = useRef<{ x: number; y: number } | null>(null);
  const [hasInk, setHasInk] = useState(false);

  useEffect(() => {
    const el = canvas.current!;
    const ratio = window.devicePixelRatio || 1;
    el.width = Math.round(el.clientWidth * ratio);
    el.height = Math.round(HEIGHT * ratio);
    const ctx = el.getContext('2d')!;
    ctx.scale(ratio, ratio);
    ctx.lineWidth = 2.6;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111827';
  }, []);

  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const setInk = (v: boolean) => {
    setHasInk(v);
    onChange?.(v);
  };

  useImperativeHandle(ref, () => ({
    toPngBase64: () => (ink.current >= MIN_INK ? canvas.current!.toDataURL('image/png').split(',')[1]! : null),
    clear: () => {
      const el = canvas.current!;
      el.getContext('2d')!.clearRect(0, 0, el.width, el.height);
      ink.current = 0;
      setInk(false);
    },
  }));

  return (
    <div className="sigpad">
      <canvas
        ref={canvas}
        className="sigpad__canvas"
        style={{ height: HEIGHT }}
        aria-label={label}
        role="img"
        data-testid={testId}
        data-has-ink={hasInk}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          last.current = point(e);
        }}
        onPointerMove={(e) => {
          if (!last.current) return;
          const p = point(e);
          const ctx = e.currentTarget.getContext('2d')!;
          ctx.beginPath();
          ctx.moveTo(last.current.x, last.current.y);
          ctx.lineTo(p.x, p.y);
          ctx.stroke();
          ink.current += Math.hypot(p.x - last.current.x, p.y - last.current.y);
          last.current = p;
          if (!hasInk && ink.current >= MIN_INK) setInk(true);
        }}
        onPointerUp={() => (last.current = null)}
        onPointerCancel={() => (last.current = null)}
      />
      {!hasInk && (
        <span className="sigpad__hint" aria-hidden="true">
          请在此处手写签名
        </span>
      )}
    </div>
  );
});
