import { useState, type FormEvent } from 'react';
import { api, ApiError, type Org } from '../../api.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Field } from '../../components/Field.tsx';
import { useToast } from '../../toast.tsx';

/** The unit's phone: a party whose link no longer works is told to call it. */
export function OrgPhoneForm({ org, onSaved }: { org: Org; onSaved(org: Org): void }) {
  const [phone, setPhone] = useState(org.phone ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const notify = useToast();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      onSaved(await api.setOrgPhone(phone.trim()));
      setError(null);
      notify('联系电话已保存');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '保存失败');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="org-phone-form">
      {error && <ErrorBanner message={error} />}
      <Field label="联系电话" htmlFor="org-phone" required hint="当事人的链接失效或出错时，页面会显示此电话">
        <input id="org-phone" data-testid="org-phone" inputMode="tel" maxLength={20} value={phone} onChange={(e) => setPhone(e.target.value)} />
      </Field>
      <button type="submit" className="btn btn--primary btn--small" disabled={busy} data-testid="org-phone-save">
        保存
      </button>
    </form>
  );
}
