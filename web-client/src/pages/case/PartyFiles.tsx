// What a participant needs on file before it may sign (#17 item 4): an organisation's 电子印章 and
// proof of standing, an entrusted agent's 授权委托书 with special powers. Phone first: one file
// input per item, the upload right below it.
import { useRef, useState, type ChangeEvent } from 'react';
import { api, ApiError, type NewPartyDocument, type Participant, type PartyDocument } from '../../api.ts';
import { formatBytes } from '../../format.ts';
import { useToast } from '../../toast.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { isPng, toBase64 } from '../admin/png.ts';

const MAX_FILE = 5 * 1024 * 1024;
const MAX_SEAL = 700 * 1024;

/** The file's type from its first bytes (the server checks again). */
function sniff(bytes: Uint8Array): NewPartyDocument['mime'] | null {
  if (isPng(bytes)) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (String.fromCharCode(...bytes.subarray(0, 5)) === '%PDF-') return 'application/pdf';
  return null;
}

interface Props {
  caseId: string;
  participant: Participant;
  onChanged(): void;
}

export function PartyFiles({ caseId, participant: p, onChanged }: Props) {
  const legal = (p.role === 'APPLICANT' || p.role === 'RESPONDENT') && p.personType === 'legal';
  const entrustedAgent = p.role === 'AGENT' && p.agencyType === 'entrusted';
  if (!legal && !entrustedAgent) return null;
  return (
    <div className="party-files" data-testid="party-files">
      {legal && <SealItem caseId={caseId} p={p} onChanged={onChanged} />}
      {legal && <DocumentItem caseId={caseId} p={p} kind="STANDING_PROOF" onChanged={onChanged} />}
      {entrustedAgent && <DocumentItem caseId={caseId} p={p} kind="POWER_OF_ATTORNEY" onChanged={onChanged} />}
    </div>
  );
}

function SealItem({ caseId, p, onChanged }: { caseId: string; p: Participant; onChanged(): void }) {
  const notify = useToast();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (!isPng(bytes)) return setError('电子印章只支持 PNG 格式的图片');
    if (bytes.length > MAX_SEAL) return setError(`图片过大（${formatBytes(bytes.length)}），请控制在 ${formatBytes(MAX_SEAL)} 以内`);
    setBusy(true);
    setError(null);
    try {
      await api.uploadPartySeal(caseId, p.id, toBase64(bytes));
      notify('单位电子印章已上传');
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '上传失败');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="party-files__item" aria-labelledby={`seal-${p.id}`}>
      <h4 className="party-files__title" id={`seal-${p.id}`}>
        单位电子印章{' '}
        <span className={`badge ${p.hasSeal ? 'badge--green' : 'badge--grey'}`} data-testid="party-seal-status">
          {p.hasSeal ? '已上传' : '未上传'}
        </span>
      </h4>
      <p className="muted">签署时印在法定代表人或受托人签名旁。PNG 图片，透明背景为佳。</p>
      {error && <ErrorBanner message={error} onClose={() => setError(null)} />}
      <label className="btn btn--small btn--ghost">
        {busy ? '上传中…' : p.hasSeal ? '更换印章' : '选择印章图片'}
        <input ref={input} type="file" accept="image/png" className="sr-only" data-testid="party-seal-file" onChange={pick} disabled={busy} />
      </label>
    </section>
  );
}

const KIND_TEXT = {
  STANDING_PROOF: { title: '主体资格证明', hint: '营业执照、法定代表人身份证明书（PDF、JPG 或 PNG，不超过 5 MB）。' },
  POWER_OF_ATTORNEY: { title: '授权委托书', hint: '须载明特别授权：代为承认、放弃、变更调解请求，进行和解，签署调解协议（PDF、JPG 或 PNG，不超过 5 MB）。' },
} as const;

function DocumentItem({ caseId, p, kind, onChanged }: { caseId: string; p: Participant; kind: PartyDocument['kind']; onChanged(): void }) {
  const notify = useToast();
  const [file, setFile] = useState<{ name: string; bytes: Uint8Array; mime: NewPartyDocument['mime'] } | null>(null);
  const [specialPowers, setSpecialPowers] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const docs = p.documents.filter((d) => d.kind === kind);
  const text = KIND_TEXT[kind];
  const key = kind === 'POWER_OF_ATTORNEY' ? 'poa' : 'standing';

  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    setError(null);
    const f = e.target.files?.[0];
    if (!f) return setFile(null);
    const bytes = new Uint8Array(await f.arrayBuffer());
    const mime = sniff(bytes);
    if (!mime) return setError('只能上传 PDF 文件或 JPG、PNG 图片');
    if (bytes.length > MAX_FILE) return setError(`文件过大（${formatBytes(bytes.length)}），不能超过 5 MB`);
    setFile({ name: f.name, bytes, mime });
  };

  const upload = async () => {
    if (!file) return setError('请先选择文件');
    setBusy(true);
    setError(null);
    try {
      await api.uploadPartyDocument(caseId, p.id, {
        documentKind: kind,
        fileName: file.name,
        mime: file.mime,
        contentBase64: toBase64(file.bytes),
        ...(kind === 'POWER_OF_ATTORNEY' ? { specialPowers } : {}),
      });
      notify(`${text.title}已上传`);
      setFile(null);
      setSpecialPowers(false);
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '上传失败');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="party-files__item" aria-labelledby={`${key}-${p.id}`}>
      <h4 className="party-files__title" id={`${key}-${p.id}`}>
        {text.title}
      </h4>
      <p className="muted">{text.hint}</p>
      {docs.length > 0 && (
        <ul className="party-files__list" data-testid={`party-${key}-list`}>
          {docs.map((d) => (
            <li key={d.id}>
              <a href={api.partyDocumentUrl(caseId, p.id, d.id)} target="_blank" rel="noreferrer">
                {d.fileName}
              </a>
              {kind === 'POWER_OF_ATTORNEY' && (
                <span className={`badge ${d.specialPowers ? 'badge--green' : 'badge--grey'}`}>{d.specialPowers ? '载明特别授权' : '未载明特别授权'}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {error && <ErrorBanner message={error} onClose={() => setError(null)} />}
      <input type="file" accept="application/pdf,image/png,image/jpeg" aria-label={`选择${text.title}文件`} data-testid={`party-${key}-file`} onChange={pick} />
      {kind === 'POWER_OF_ATTORNEY' && (
        <label className="check">
          <input type="checkbox" data-testid="party-poa-special" checked={specialPowers} onChange={(e) => setSpecialPowers(e.target.checked)} />
          我已核对：委托书载明代为签署调解协议等特别授权
        </label>
      )}
      <button type="button" className="btn btn--small btn--primary" data-testid={`party-${key}-upload`} disabled={busy || !file} onClick={upload}>
        {busy ? '上传中…' : `上传${text.title}`}
      </button>
    </section>
  );
}
