import { useId } from 'react';

/** A required reason (退回、转交、撤回 must say why). */
export function ReasonField({ value, onChange, label, testId }: { value: string; onChange: (v: string) => void; label: string; testId: string }) {
  const id = useId();
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
        <span className="field__req" aria-hidden="true">
          必填
        </span>
      </label>
      <textarea id={id} rows={2} maxLength={200} value={value} aria-required onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </div>
  );
}
