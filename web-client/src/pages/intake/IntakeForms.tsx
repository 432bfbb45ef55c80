// 来访/来电登记 (dispatchers, at the window or on the phone) and 随手记 (grid workers, on a phone
// on patrol): one short form each; the answer shows the registration number, any 弱信号 and the
// possible duplicates the dispatcher should look at.
import { useState, type FormEvent } from 'react';
import { DISPUTE_TYPES, type DisputeType } from '../../../../signaling/domain/vocabulary.ts';
import { ApiError } from '../../api.ts';
import { intakeApi, type Registered } from '../../api/intake.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Field } from '../../components/Field.tsx';
import { AreaSelect } from './AreaSelect.tsx';

/** Photos are scaled down on the phone (longest side 1600 px, JPEG) before they travel. */
async function shrinkPhoto(file: File): Promise<{ fileName: string; dataBase64: string }> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const dataUrl = canvas.toDataURL('image/jpeg', 0.8);
  return { fileName: file.name.replace(/\.[^.]*$/, '') + '.jpg', dataBase64: dataUrl.slice(dataUrl.indexOf(',') + 1) };
}

function Result({ r }: { r: Registered }) {
  return (
    <section className="card" data-testid="intake-result">
      <h2 className="card__title">已登记</h2>
      <p data-testid="intake-registration-no">{r.matter.registrationNo}</p>
      {r.flags.length > 0 && (
        <div role="alert" data-testid="intake-flags">
          <strong>弱信号预警：</strong>
          {r.flags.map((f) => `${f.label}${f.detail ? `（${f.detail}）` : ''}`).join('；')}
        </div>
      )}
      {r.duplicates.length > 0 && (
        <div data-testid="intake-duplicates">
          <strong>疑似重复：</strong>
          <ul>
            {r.duplicates.map((d) => (
              <li key={d.matterId}>
                {d.registrationNo} {d.title}（{d.reasons.join('、')}）
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function DisputeTypeSelect({ id, value, onChange }: { id: string; value: DisputeType; onChange(v: DisputeType): void }) {
  return (
    <select id={id} data-testid={id} value={value} onChange={(e) => onChange(DISPUTE_TYPES.find((d) => d.key === e.target.value)?.key ?? 'GENERAL')}>
      {DISPUTE_TYPES.map((d) => (
        <option key={d.key} value={d.key}>
          {d.label}
        </option>
      ))}
    </select>
  );
}

export function GridReportPage() {
  const [disputeType, setDisputeType] = useState<DisputeType>('NEIGHBOUR');
  const [place, setPlace] = useState('');
  const [areaCode, setAreaCode] = useState('');
  const [summary, setSummary] = useState('');
  const [partyName, setPartyName] = useState('');
  const [partyPhone, setPartyPhone] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [photos, setPhotos] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Registered | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!place.trim() || !summary.trim()) return setError('请填写地点和情况');
    setBusy(true);
    setError(null);
    try {
      const shrunk = await Promise.all(photos.map(shrinkPhoto));
      setDone(
        await intakeApi.reportFromGrid({
          disputeType,
          place: place.trim(),
          ...(areaCode ? { areaCode } : {}),
          summary: summary.trim(),
          urgency: urgent ? 'URGENT' : 'NORMAL',
          ...(partyName.trim() ? { parties: [{ role: 'APPLICANT', name: partyName.trim(), ...(partyPhone.trim() ? { phone: partyPhone.trim() } : {}) }] } : {}),
          photos: shrunk,
        }),
      );
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '提交失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  if (done) return <Result r={done} />;
  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="grid-form">
      <h1 className="card__title">随手记：上报纠纷</h1>
      {error && <ErrorBanner message={error} />}
      <Field label="纠纷类型" htmlFor="grid-type" required>
        <DisputeTypeSelect id="grid-type" value={disputeType} onChange={setDisputeType} />
      </Field>
      <Field label="地点" htmlFor="grid-place" required>
        <input id="grid-place" data-testid="grid-place" value={place} maxLength={200} onChange={(e) => setPlace(e.target.value)} />
      </Field>
      <AreaSelect id="grid-area" value={areaCode} onChange={setAreaCode} />
      <Field label="情况" htmlFor="grid-summary" required>
        <textarea id="grid-summary" data-testid="grid-summary" rows={4} value={summary} maxLength={4000} onChange={(e) => setSummary(e.target.value)} />
      </Field>
      <Field label="当事人姓名（知道时填写）" htmlFor="grid-party-name">
        <input id="grid-party-name" data-testid="grid-party-name" value={partyName} maxLength={60} onChange={(e) => setPartyName(e.target.value)} />
      </Field>
      <Field label="当事人电话" htmlFor="grid-party-phone">
        <input
          id="grid-party-phone"
          data-testid="grid-party-phone"
          inputMode="tel"
          value={partyPhone}
          maxLength={20}
          onChange={(e) => setPartyPhone(e.target.value)}
        />
      </Field>
      <label>
        <input type="checkbox" data-testid="grid-urgent" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} /> 紧急
      </label>
      <Field label="照片（最多4张）" htmlFor="grid-photos">
        <input
          id="grid-photos"
          data-testid="grid-photos"
          type="file"
          accept="image/*"
          multiple
          onChange={(e) => setPhotos([...(e.target.files ?? [])].slice(0, 4))}
        />
      </Field>
      <button type="submit" className="btn btn--primary" disabled={busy} data-testid="grid-submit">
        {busy ? '正在提交…' : '提交'}
      </button>
    </form>
  );
}

export function DeskRegisterPage() {
  const [channel, setChannel] = useState<'WINDOW' | 'PHONE'>('WINDOW');
  const [disputeType, setDisputeType] = useState<DisputeType>('NEIGHBOUR');
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [place, setPlace] = useState('');
  const [areaCode, setAreaCode] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [other, setOther] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Registered | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setDone(
        await intakeApi.registerAtDesk({
          channel,
          disputeType,
          title: title.trim(),
          summary: summary.trim(),
          ...(place.trim() ? { place: place.trim() } : {}),
          ...(areaCode ? { areaCode } : {}),
          parties: [
            {
              role: 'APPLICANT',
              name: name.trim(),
              ...(phone.trim() ? { phone: phone.trim() } : {}),
              ...(idNumber.trim() ? { idNumber: idNumber.trim() } : {}),
            },
            ...(other.trim() ? [{ role: 'RESPONDENT' as const, name: other.trim() }] : []),
          ],
        }),
      );
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '登记失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  if (done) return <Result r={done} />;
  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="desk-form">
      <h1 className="card__title">来访/来电登记</h1>
      {error && <ErrorBanner message={error} />}
      <Field label="来源" htmlFor="desk-channel" required>
        <select id="desk-channel" data-testid="desk-channel" value={channel} onChange={(e) => setChannel(e.target.value === 'PHONE' ? 'PHONE' : 'WINDOW')}>
          <option value="WINDOW">窗口来访</option>
          <option value="PHONE">来电</option>
        </select>
      </Field>
      <Field label="纠纷类型" htmlFor="desk-type" required>
        <DisputeTypeSelect id="desk-type" value={disputeType} onChange={setDisputeType} />
      </Field>
      <Field label="事由" htmlFor="desk-title" required>
        <input id="desk-title" data-testid="desk-title" value={title} maxLength={100} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Field label="情况" htmlFor="desk-summary" required>
        <textarea id="desk-summary" data-testid="desk-summary" rows={4} value={summary} maxLength={4000} onChange={(e) => setSummary(e.target.value)} />
      </Field>
      <Field label="地点" htmlFor="desk-place">
        <input id="desk-place" data-testid="desk-place" value={place} maxLength={200} onChange={(e) => setPlace(e.target.value)} />
      </Field>
      <AreaSelect id="desk-area" value={areaCode} onChange={setAreaCode} />
      <Field label="来访（来电）人姓名" htmlFor="desk-name" required>
        <input id="desk-name" data-testid="desk-name" value={name} maxLength={60} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="联系电话" htmlFor="desk-phone">
        <input id="desk-phone" data-testid="desk-phone" inputMode="tel" value={phone} maxLength={20} onChange={(e) => setPhone(e.target.value)} />
      </Field>
      <Field label="身份证号码" htmlFor="desk-id">
        <input id="desk-id" data-testid="desk-id" value={idNumber} maxLength={18} onChange={(e) => setIdNumber(e.target.value)} />
      </Field>
      <Field label="对方当事人" htmlFor="desk-other">
        <input id="desk-other" data-testid="desk-other" value={other} maxLength={60} onChange={(e) => setOther(e.target.value)} />
      </Field>
      <button type="submit" className="btn btn--primary" disabled={busy} data-testid="desk-submit">
        {busy ? '正在登记…' : '登记'}
      </button>
    </form>
  );
}
