import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: false, async: false });

/**
 * Renders markdown for the editor's live preview, in the browser: `marked` for the HTML, then DOMPurify
 * so nothing typed can run script. Saved posts show the server's own sanitized `bodyHtml` instead.
 */
export function renderPreview(markdown: string): string {
  const html = marked.parse(markdown, { async: false });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form'] });
}
