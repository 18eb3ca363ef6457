import { TITLE_LENGTH } from '@devflow/contract/limits';
import { type FormEvent, type ReactNode, useState } from 'react';
import { PostBodyEditor } from './MarkdownEditor';
import { SimilarQuestions } from './Moderation';
import { ErrorMessage } from './Status';
import { TagInput } from './TagInput';

/** What the question form submits. */
export type QuestionDraft = { title: string; body: string; tags: string[] };

/** Props of {@link QuestionForm}. */
export type QuestionFormProps = {
  initial?: QuestionDraft;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (draft: QuestionDraft) => void;
  /** Show similar questions under the title as it is typed (the ask form). */
  showSimilar?: boolean;
  /** More fields under the tags (the suggest-an-edit form's comment). */
  extra?: ReactNode;
};

/** Title, markdown body with preview, and tags — used to ask and to edit a question. */
export function QuestionForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
  showSimilar,
  extra,
}: QuestionFormProps) {
  const [title, setTitle] = useState(initial?.title ?? '');
  const [body, setBody] = useState(initial?.body ?? '');
  const [tags, setTags] = useState<string[]>(initial?.tags ?? []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ title: title.trim(), body, tags });
  };
  return (
    <form className="card" onSubmit={submit}>
      <div className="field">
        <label htmlFor="question-title">
          Title{' '}
          <span className="hint">
            ({TITLE_LENGTH.min} to {TITLE_LENGTH.max} characters: be specific)
          </span>
        </label>
        <input
          id="question-title"
          required
          minLength={TITLE_LENGTH.min}
          maxLength={TITLE_LENGTH.max}
          value={title}
          onChange={(event) => setTitle(event.target.value)}
        />
        {showSimilar && <SimilarQuestions title={title} />}
      </div>
      <PostBodyEditor id="question-body" label="Body" value={body} onChange={setBody} rows={14} />
      <TagInput value={tags} onChange={setTags} />
      {extra}
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn--primary" disabled={pending || tags.length === 0}>
        {pending ? 'Saving…' : submitLabel}
      </button>
      {tags.length === 0 && <span className="muted small"> Add at least one tag.</span>}
    </form>
  );
}
