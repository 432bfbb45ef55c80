import { useState, type FormEvent } from 'react';
import { ApiError, type PartyApi, type PartySelf } from '../../api.ts';
import { normalizeIdLast4 } from '../../format.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Field } from '../../components/Field.tsx';

interface Props {
  client: PartyApi;
  onDone(p: PartySelf): void;
}

/** Step 1: 身份确认 — full name + last 4 characters of the ID number. */
export function IdentityStep({ client, onDone }: Props) {
  const [name, setName] = useState('');
  const [last4, setLast4] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    const id4 = normalizeIdLast4(last4);
    if (!n) return setError('请输入您的姓名');
    if (!/^\d{3}[\dX]$/.test(id4)) return setError('请输入身份证号码的后 4 位（最后一位可能是 X）');
    setBusy(true);
    setError(null);
    try {
      onDone(await client.confirmIdentity(n, id4));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '确认失败，请重试');
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="identity-title">
      <h2 className="card__title" id="identity-title">
        第一步：身份确认
      </h2>
      <p className="muted">为保护您的隐私，请输入您的姓名和身份证号码后 4 位进行核对。</p>
      {error && <ErrorBanner message={error} />}
      <Field label="姓名" htmlFor="confirm-name" required>
        <input id="confirm-name" data-testid="confirm-name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="身份证号码后 4 位" htmlFor="confirm-id4" required>
        <input
          id="confirm-id4"
          data-testid="confirm-id4"
          className="input--code"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={4}
          placeholder="如 123X"
          value={last4}
          onChange={(e) => setLast4(normalizeIdLast4(e.target.value))}
        />
      </Field>
      <button type="submit" className="btn btn--primary btn--block btn--large" data-testid="confirm-submit" disabled={busy}>
        {busy ? '核对中…' : '确认身份'}
      </button>
    </form>
  );
}
