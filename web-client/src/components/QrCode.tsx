import { useEffect, useState } from 'react';
import { toDataURL } from 'qrcode';

interface Props {
  value: string;
  size?: number;
  testId?: string;
  alt?: string;
}

/** QR code as a PNG data: URL (allowed by the CSP's img-src). */
export function QrCode({ value, size = 200, testId = 'invite-qr', alt = '邀请链接二维码' }: Props) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    setFailed(false);
    toDataURL(value, { errorCorrectionLevel: 'M', margin: 2, width: size * 2 }).then(
      (url) => live && setSrc(url),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [value, size]);

  if (failed) return <p className="muted">二维码生成失败，请使用复制链接。</p>;
  if (!src) return <div className="qr qr--placeholder" style={{ width: size, height: size }} aria-hidden="true" />;
  return <img className="qr" data-testid={testId} src={src} width={size} height={size} alt={alt} />;
}
