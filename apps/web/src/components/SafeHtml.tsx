/** Props of {@link SafeHtml}. */
export type SafeHtmlProps = {
  /** HTML that has already been sanitized: the server's `bodyHtml`/`bioHtml`, or a DOMPurify preview. */
  html: string;
  className?: string;
};

/**
 * The only component that renders HTML. It receives sanitized HTML exclusively — the server's
 * `bodyHtml`/`bioHtml` (sanitize-html) or the editor preview (DOMPurify) — never raw user input.
 */
export function SafeHtml({ html, className }: SafeHtmlProps) {
  return (
    <div
      className={className ? `prose ${className}` : 'prose'}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by the server or DOMPurify (see JSDoc).
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
