import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { api, ApiError, type Org } from '../../api.ts';
import { formatBytes } from '../../format.ts';
import { useToast } from '../../toast.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { isPng, toBase64 } from './png.ts';

// The base64 JSON body must stay under typical server body limits (~1 MiB).
const MAX_BYTES = 700 * 1024;

interface Props {
  org: Org;
  onUploaded(org: Org): void;
}

/** 印章 upload: PNG only, local preview before upload, server preview after. */
export function SealUpload({ org, onUploaded }: Props) {
  const notify = useToast();
  const inputRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ bytes: Uint8Array; name: string; preview: string } | null>(null);
  const [version, setVersion] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sealBroken, setSealBroken] = useState(false);

  useEffect(
    () => () => {
      if (file) URL.revokeObjectURL(file.preview);
    },
    [file],
  );

  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    setError(null);
    const f = e.target.files?.[0];
    if (!f) return;
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (!isPng(bytes)) {
      setError('只支持 PNG 格式的印章图片');
      e.target.value = '';
      return;
    }
    if (bytes.length > MAX_BYTES) {
      setError(`图片过大（${formatBytes(bytes.length)}），请控制在 ${formatBytes(MAX_BYTES)} 以内`);
      e.target.value = '';
      return;
    }
    setFile({ bytes, name: f.name, preview: URL.createObjectURL(new Blob([bytes], { type: 'image/png' })) });
  };

  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const next = await api.uploadSeal(toBase64(file.bytes));
      setFile(null);
      if (inputRef.current) inputRef.current.value = '';
      setVersion(Date.now());
      setSealBroken(false);
      notify('印章已更新');
      onUploaded(next);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '上传失败');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="seal">
      <h3 className="subhead">调解组织印章</h3>
      {error && <ErrorBanner message={error} onClose={() => setError(null)} />}
      <div className="seal__images">
        <figure className="seal__figure">
          {org.hasSeal && !sealBroken ? (
            <img className="seal__img" src={api.sealUrl(version)} alt="当前印章" data-testid="seal-current" onError={() => setSealBroken(true)} />
          ) : (
            <div className="seal__none">{org.hasSeal ? '印章加载失败' : '尚未上传印章'}</div>
          )}
          <figcaption>当前印章</figcaption>
        </figure>
        {file && (
          <figure className="seal__figure">
            <img className="seal__img" src={file.preview} alt="待上传印章预览" data-testid="seal-preview" />
            <figcaption>
              待上传：{file.name}（{formatBytes(file.bytes.length)}）
            </figcaption>
          </figure>
        )}
      </div>
      <div className="seal__controls">
        <label className="btn btn--outline file-btn">
          选择 PNG 图片
          <input ref={inputRef} type="file" accept="image/png,.png" className="sr-only" data-testid="seal-file" onChange={pick} />
        </label>
        <button type="button" className="btn btn--primary" data-testid="seal-upload" disabled={!file || busy} onClick={upload}>
          {busy ? '上传中…' : '上传印章'}
        </button>
      </div>
      <p className="muted small">建议使用透明背景的红色印章 PNG 图片，用于电子调解协议。</p>
    </div>
  );
}
