import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Org } from '../../api.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Loading } from '../../components/Loading.tsx';
import { OrgPhoneForm } from './OrgPhoneForm.tsx';
import { SealUpload } from './SealUpload.tsx';

/** Committee information and its seal image. */
export function OrgSection() {
  const [org, setOrg] = useState<Org | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setOrg(await api.org());
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '组织信息加载失败');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="card" aria-labelledby="org-title">
      <h2 className="card__title" id="org-title">
        调解组织
      </h2>
      {error && <ErrorBanner message={error} onRetry={load} />}
      {!org && !error && <Loading />}
      {org && (
        <>
          <dl className="facts">
            <div>
              <dt>名称</dt>
              <dd data-testid="org-name">{org.name}</dd>
            </div>
            <div>
              <dt>简称</dt>
              <dd>{org.shortName || '—'}</dd>
            </div>
          </dl>
          <OrgPhoneForm org={org} onSaved={setOrg} />
          <SealUpload org={org} onUploaded={setOrg} />
        </>
      )}
    </section>
  );
}
