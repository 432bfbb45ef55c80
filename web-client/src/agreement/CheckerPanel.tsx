// The live completeness check beside the draft: every finding with its severity, what to do, and a
// link to the clause it concerns.
import type { Finding } from '../../../signaling/agreement/checker.ts';

const SEVERITY_LABEL = { error: '必须修改', warning: '建议修改', info: '提示' } as const;

export function CheckerPanel({ findings, clauseIndex }: { findings: Finding[]; clauseIndex: Map<string, number> }) {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return (
    <section className="agreement__panel" aria-label="完整性检查" data-testid="checker" id="agreement-checker">
      <h3 className="agreement__h">
        完整性检查
        <span className={`badge badge--${errors ? 'red' : findings.length ? 'amber' : 'green'}`} data-testid="checker-count" data-errors={errors}>
          {errors ? `${errors} 项必须修改` : findings.length ? `${findings.length} 项提示` : '未发现问题'}
        </span>
      </h3>
      {findings.length > 0 && (
        <ul className="checker__list">
          {findings.map((f, i) => {
            const at = f.clauseId !== undefined ? clauseIndex.get(f.clauseId) : undefined;
            return (
              <li
                key={`${f.code}-${f.clauseId ?? f.section}-${f.field ?? ''}-${i}`}
                className={`finding finding--${f.severity}`}
                data-testid="checker-finding"
                data-code={f.code}
                data-severity={f.severity}
                data-clause-id={f.clauseId ?? ''}
              >
                <span className="finding__sev">{SEVERITY_LABEL[f.severity]}</span>
                {at !== undefined ? (
                  <button
                    type="button"
                    className="finding__where"
                    aria-label={`定位到第${at + 1}条`}
                    onClick={() => document.getElementById(`clause-${f.clauseId}`)?.scrollIntoView({ behavior: 'smooth', block: 'center' })}
                  >
                    定位
                  </button>
                ) : null}
                <span className="finding__msg">{f.message}</span>
                {f.hint && <span className="finding__hint small muted">{f.hint}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
