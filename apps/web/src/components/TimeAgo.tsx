import { fullDate, timeAgo } from '../lib/format';

/** A `<time>` element showing "5 minutes ago", with the full date on hover. */
export function TimeAgo({ iso, prefix }: { iso: string; prefix?: string }) {
  return (
    <time dateTime={iso} title={fullDate(iso)}>
      {prefix ? `${prefix} ` : ''}
      {timeAgo(iso)}
    </time>
  );
}
