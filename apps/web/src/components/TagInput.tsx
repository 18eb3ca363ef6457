import { TAG_MAX_LENGTH, TAGS_COUNT } from '@devflow/contract/limits';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useDeferredValue, useId, useState } from 'react';
import { plural } from '../lib/format';
import { useTRPC } from '../lib/trpc';

/** Tags a question may carry at most (the rule of `question.create`). */
export const MAX_TAGS = TAGS_COUNT.max;

/** Turns typed text into a tag slug: lowercase, spaces to dashes, only a-z 0-9 + # . - kept. */
export function toSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^a-z0-9+#.-]/g, '')
    .slice(0, TAG_MAX_LENGTH);
}

/** Props of {@link TagInput}. */
export type TagInputProps = { value: string[]; onChange: (tags: string[]) => void; label?: string };

/**
 * Tag chips with a text box: Enter, comma or space adds the typed tag, Backspace in an empty box removes
 * the last one, and each chip has a remove button. Existing tags are suggested as you type (`tag.list`).
 * At most {@link MAX_TAGS}.
 */
export function TagInput({ value, onChange, label = 'Tags' }: TagInputProps) {
  const id = useId();
  const trpc = useTRPC();
  const [draft, setDraft] = useState('');
  const prefix = useDeferredValue(toSlug(draft));
  const suggestions = useQuery(
    trpc.tag.list.queryOptions(
      { q: prefix, limit: 8 },
      { enabled: prefix.length > 0, placeholderData: keepPreviousData },
    ),
  );
  const add = (text: string) => {
    const slug = toSlug(text);
    if (slug && !value.includes(slug) && value.length < MAX_TAGS) onChange([...value, slug]);
    setDraft('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',' || event.key === ' ') {
      event.preventDefault();
      add(draft);
    } else if (event.key === 'Backspace' && draft === '' && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}{' '}
        <span className="hint">
          ({TAGS_COUNT.min} to {MAX_TAGS}; press Enter after each)
        </span>
      </label>
      <div className="tag-input">
        {value.map((tag) => (
          <span className="tag" key={tag}>
            {tag}
            <button
              type="button"
              aria-label={`Remove tag ${tag}`}
              onClick={() => onChange(value.filter((t) => t !== tag))}
            >
              ×
            </button>
          </span>
        ))}
        <input
          id={id}
          value={draft}
          disabled={value.length >= MAX_TAGS}
          placeholder={value.length >= MAX_TAGS ? 'Tag limit reached' : 'e.g. react'}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => draft && add(draft)}
          list={`${id}-suggestions`}
          autoComplete="off"
        />
        <datalist id={`${id}-suggestions`}>
          {(suggestions.data ?? [])
            .filter((tag) => !value.includes(tag.slug))
            .map((tag) => (
              <option key={tag.slug} value={tag.slug}>
                {plural(tag.usageCount, 'question')}
              </option>
            ))}
        </datalist>
      </div>
    </div>
  );
}
