/** One piece of a plain-SQL dump: a statement to run, or a batch of `COPY … FROM stdin` data lines. */
export type ScriptItem = { kind: 'sql'; text: string } | { kind: 'copy'; statement: string; lines: string[] };

/** How many data lines of a `COPY` block travel together (bounds memory on big tables). */
const COPY_BATCH_LINES = 5_000;

const COPY_FROM_STDIN = /^COPY\s[\s\S]+\sFROM\s+stdin\s*;$/i;

/**
 * Splits a plain-SQL dump written by `pg_dump` (or `pgDump` of `@electric-sql/pglite-tools`) into
 * statements and `COPY` data batches, reading it line by line. It follows quotes ('…', E'…', "…"),
 * dollar quotes and comments, so a `;` inside a function body or a post's text never ends a statement.
 * psql meta-commands (`\restrict`, `\connect`…) are skipped: only psql understands them.
 */
export async function* splitSqlScript(lines: AsyncIterable<string>): AsyncGenerator<ScriptItem> {
  let buffer = '';
  // Lexer state carried across lines.
  let quote: "'" | '"' | 'E' | null = null;
  let dollarTag: string | null = null;
  let blockDepth = 0;
  let copy: { statement: string; lines: string[] } | null = null;

  for await (const line of lines) {
    if (copy) {
      if (line === '\\.') {
        if (copy.lines.length > 0) yield { kind: 'copy', statement: copy.statement, lines: copy.lines };
        copy = null;
      } else {
        copy.lines.push(line);
        if (copy.lines.length >= COPY_BATCH_LINES) {
          yield { kind: 'copy', statement: copy.statement, lines: copy.lines };
          copy = { statement: copy.statement, lines: [] };
        }
      }
      continue;
    }
    if (buffer.trim() === '' && quote === null && dollarTag === null && blockDepth === 0) {
      // Between statements: skip psql meta-commands, comment lines and blank lines.
      const trimmed = line.trim();
      if (line.startsWith('\\') || trimmed === '' || trimmed.startsWith('--')) continue;
    }
    let start = 0;
    let i = 0;
    while (i < line.length) {
      const ch = line[i];
      if (dollarTag !== null) {
        if (ch === '$' && line.startsWith(dollarTag, i)) {
          i += dollarTag.length;
          dollarTag = null;
        } else i++;
        continue;
      }
      if (blockDepth > 0) {
        if (ch === '*' && line[i + 1] === '/') {
          blockDepth--;
          i += 2;
        } else if (ch === '/' && line[i + 1] === '*') {
          blockDepth++;
          i += 2;
        } else i++;
        continue;
      }
      if (quote === "'" || quote === 'E') {
        if (quote === 'E' && ch === '\\') i += 2;
        else if (ch === "'" && line[i + 1] === "'") i += 2;
        else {
          if (ch === "'") quote = null;
          i++;
        }
        continue;
      }
      if (quote === '"') {
        if (ch === '"') quote = null;
        i++;
        continue;
      }
      if (ch === '-' && line[i + 1] === '-') break;
      if (ch === '/' && line[i + 1] === '*') {
        blockDepth = 1;
        i += 2;
        continue;
      }
      if (ch === "'") {
        const prev = line[i - 1];
        quote = (prev === 'E' || prev === 'e') && !/[\w$]/.test(line[i - 2] ?? ' ') ? 'E' : "'";
        i++;
        continue;
      }
      if (ch === '"') {
        quote = '"';
        i++;
        continue;
      }
      if (ch === '$') {
        const match = /^\$([A-Za-z_][A-Za-z_0-9]*)?\$/.exec(line.slice(i));
        if (match && !/[\w$]/.test(line[i - 1] ?? ' ')) {
          dollarTag = match[0];
          i += match[0].length;
          continue;
        }
      }
      if (ch === ';') {
        const text = (buffer + line.slice(start, i + 1)).trim();
        buffer = '';
        start = i + 1;
        if (COPY_FROM_STDIN.test(text)) copy = { statement: text, lines: [] };
        else if (text !== ';') yield { kind: 'sql', text };
        if (copy) break;
      }
      i++;
    }
    if (!copy) buffer += `${line.slice(start)}\n`;
  }
  if (buffer.trim() !== '') yield { kind: 'sql', text: buffer.trim() };
}
