import { describe, expect, it } from 'vitest';
import { type ScriptItem, splitSqlScript } from './sql-script';

async function split(script: string): Promise<ScriptItem[]> {
  async function* lines() {
    yield* script.split('\n');
  }
  const items: ScriptItem[] = [];
  for await (const item of splitSqlScript(lines())) items.push(item);
  return items;
}

describe('splitSqlScript', () => {
  it('keeps semicolons inside strings, identifiers, dollar quotes and comments in their statement', async () => {
    const items = await split(
      [
        '\\restrict abc',
        '-- a comment; not a statement',
        "INSERT INTO public.posts VALUES (1, 'one; two', 'it''s;', E'\\'; x');",
        'CREATE FUNCTION public.f() RETURNS trigger AS $fn$',
        'BEGIN NEW.a := 1; RETURN NEW; END;',
        '$fn$ LANGUAGE plpgsql;',
        'CREATE TABLE "semi;colon" (a int /* ; */);',
        '\\unrestrict abc',
      ].join('\n'),
    );
    expect(items.map((item) => (item.kind === 'sql' ? item.text.split('\n')[0] : 'copy'))).toEqual([
      "INSERT INTO public.posts VALUES (1, 'one; two', 'it''s;', E'\\'; x');",
      'CREATE FUNCTION public.f() RETURNS trigger AS $fn$',
      'CREATE TABLE "semi;colon" (a int /* ; */);',
    ]);
  });

  it('hands COPY data over as batches of lines, a text that looks like SQL included', async () => {
    const items = await split(
      ['COPY public.t (a, b) FROM stdin;', '1\tx; DROP TABLE t;', '2\t\\N', '\\.', 'SELECT 1;'].join('\n'),
    );
    expect(items).toEqual([
      {
        kind: 'copy',
        statement: 'COPY public.t (a, b) FROM stdin;',
        lines: ['1\tx; DROP TABLE t;', '2\t\\N'],
      },
      { kind: 'sql', text: 'SELECT 1;' },
    ]);
  });
});
