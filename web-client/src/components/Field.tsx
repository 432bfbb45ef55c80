import { cloneElement, isValidElement, type ReactNode } from 'react';

interface Props {
  label: string;
  htmlFor: string;
  hint?: ReactNode;
  required?: boolean;
  children: ReactNode;
}

/** Label + control + optional hint, stacked (single column on phones). A required field says so before submitting: a visible 必填 and aria-required on its control. */
export function Field({ label, htmlFor, hint, required, children }: Props) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={htmlFor}>
        {label}
        {required && (
          <span className="field__req" aria-hidden="true" data-testid="field-required">
            必填
          </span>
        )}
      </label>
      {required && isValidElement<{ 'aria-required'?: boolean }>(children) ? cloneElement(children, { 'aria-required': true }) : children}
      {hint && <div className="field__hint">{hint}</div>}
    </div>
  );
}
