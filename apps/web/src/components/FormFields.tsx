import { OTP_CODE_LENGTH } from '@devflow/contract/limits';

/** Props of the labelled fields below: the input's id, its label, its value and what a change does. */
type FieldProps = { id: string; label: string; value: string; onChange: (value: string) => void };

/** A required email field (sign-up, password reset). */
export function EmailField({ id, label, value, onChange }: FieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="email"
        autoComplete="email"
        required
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}

/** A required field for the mailed one-time code (`OTP_CODE_LENGTH` digits): email check, password reset. */
export function CodeField({ id, label, value, onChange }: FieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern={`[0-9]{${OTP_CODE_LENGTH}}`}
        maxLength={OTP_CODE_LENGTH}
        required
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
