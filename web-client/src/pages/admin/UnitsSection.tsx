import { useEffect, useState, type FormEvent } from 'react';
import { UNIT_KINDS, type UnitKind } from '../../../../signaling/domain/unit-kinds.ts';
import { api, ApiError, type CentreOverview } from '../../api.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Field } from '../../components/Field.tsx';
import { useToast } from '../../toast.tsx';

/** 综治中心成员单位 (#15): the centre's units by kind; the administrator adds a unit or takes one out of service. */
export function UnitsSection() {
  const [centre, setCentre] = useState<CentreOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<UnitKind>('PEOPLES_MEDIATION');
  const [name, setName] = useState('');
  const [shortName, setShortName] = useState('');
  const [busy, setBusy] = useState(false);
  const notify = useToast();

  const load = () => api.centre().then(setCentre, (e: unknown) => setError(e instanceof ApiError ? e.message : '无法载入成员单位'));
  useEffect(() => {
    void load();
  }, []);

  const run = async (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await work();
      setError(null);
      notify(done);
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '操作失败，请稍后重试');
    } finally {
      setBusy(false);
    }
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.addUnit({ kind, name: name.trim(), shortName: shortName.trim() });
      setName('');
      setShortName('');
    }, `已新增成员单位 ${name.trim()}`);
  };

  return (
    <section className="card" aria-labelledby="units-title" data-testid="units">
      <h2 className="card__title" id="units-title">
        {centre ? `${centre.centre.name}成员单位` : '综治中心成员单位'}
      </h2>
      {error && <ErrorBanner message={error} onClose={() => setError(null)} />}
      {centre?.kinds.map((k) => (
        <div key={k.kind}>
          <h3 className="small">{k.label}</h3>
          <ul className="plain-list">
            {k.units.map((u) => (
              <li key={u.id} className="button-row" data-testid="unit">
                <span>
                  {u.name}（案号简称 {u.shortName}，{u.staffCount} 人{u.active ? '' : '，已停用'}）
                </span>
                {u.id !== centre.ownUnitId && (
                  <button
                    type="button"
                    className="btn btn--small btn--ghost"
                    disabled={busy}
                    onClick={() => void run(() => api.setUnitActive(u.id, !u.active), u.active ? `已停用 ${u.name}` : `已启用 ${u.name}`)}
                  >
                    {u.active ? '停用' : '启用'}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
      <form className="form" onSubmit={add} noValidate data-testid="unit-add-form">
        <Field label="单位类别" htmlFor="unit-kind" required>
          <select id="unit-kind" className="input" value={kind} onChange={(e) => setKind(e.target.value as UnitKind)}>
            {UNIT_KINDS.map((k) => (
              <option key={k.key} value={k.key}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="单位名称" htmlFor="unit-name" required>
          <input id="unit-name" className="input" maxLength={60} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="案号简称" htmlFor="unit-short-name" required hint="用于本单位案号，如「自由路所调〔2026〕第3号」；中心内不可重复">
          <input id="unit-short-name" className="input" maxLength={8} value={shortName} onChange={(e) => setShortName(e.target.value)} />
        </Field>
        <button type="submit" className="btn btn--primary btn--small" disabled={busy || !name.trim() || !shortName.trim()}>
          新增单位
        </button>
      </form>
    </section>
  );
}
