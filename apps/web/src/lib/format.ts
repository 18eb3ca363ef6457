const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 minutes ago" for an ISO timestamp; "just now" under a minute. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

/** A full date and time for tooltips and `<time>` titles. */
export function fullDate(iso: string): string {
  return new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

const pluralRules = new Intl.PluralRules('en');

/** The form of `word` English uses after `count`: "answer" for 1, "answers" for 0, 2 or 1,000. */
export function pluralWord(count: number, word: string, pluralForm = `${word}s`): string {
  return pluralRules.select(count) === 'one' ? word : pluralForm;
}

/** "1 answer" / "2 answers" / "1,000 views". */
export function plural(count: number, word: string, pluralForm = `${word}s`): string {
  return `${count.toLocaleString('en')} ${pluralWord(count, word, pluralForm)}`;
}
