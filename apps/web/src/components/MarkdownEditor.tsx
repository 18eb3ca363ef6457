import { POST_BODY_LENGTH } from '@devflow/contract/limits';
import { useDeferredValue, useId, useMemo } from 'react';
import { renderPreview } from '../lib/markdown';
import { SafeHtml } from './SafeHtml';

/** Props of {@link MarkdownEditor}. */
export type MarkdownEditorProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  minLength?: number;
  maxLength?: number;
  rows?: number;
  id?: string;
};

/** A markdown textarea with a live, sanitized preview beside it (below it on narrow screens). */
export function MarkdownEditor({
  label,
  value,
  onChange,
  hint,
  minLength,
  maxLength,
  rows = 10,
  id,
}: MarkdownEditorProps) {
  const fallbackId = useId();
  const inputId = id ?? fallbackId;
  const deferred = useDeferredValue(value);
  const preview = useMemo(() => renderPreview(deferred), [deferred]);
  return (
    <div className="field">
      <label htmlFor={inputId}>
        {label} {hint && <span className="hint">{hint}</span>}
      </label>
      <div className="editor">
        <textarea
          id={inputId}
          value={value}
          rows={rows}
          minLength={minLength}
          maxLength={maxLength}
          required
          onChange={(event) => onChange(event.target.value)}
        />
        <section className="editor__preview" aria-label={`${label} preview`}>
          {deferred.trim() ? (
            <SafeHtml html={preview} />
          ) : (
            <p className="muted small">Preview appears here.</p>
          )}
        </section>
      </div>
    </div>
  );
}

/**
 * The body of a question or an answer: the editor with the contract's length limits, and (unless
 * `withHint` is false, as in the compact inline editor) the hint that names them.
 */
export function PostBodyEditor({
  withHint = true,
  ...props
}: Omit<MarkdownEditorProps, 'hint' | 'minLength' | 'maxLength'> & { withHint?: boolean }) {
  return (
    <MarkdownEditor
      {...props}
      {...(withHint ? { hint: `(markdown, at least ${POST_BODY_LENGTH.min} characters)` } : {})}
      minLength={POST_BODY_LENGTH.min}
      maxLength={POST_BODY_LENGTH.max}
    />
  );
}
