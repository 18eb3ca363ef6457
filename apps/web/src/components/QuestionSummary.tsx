import { Link } from 'react-router';
import { plural } from '../lib/format';
import type { RouterOutputs } from '../lib/trpc';
import { TagList } from './TagList';
import { TimeAgo } from './TimeAgo';
import { UserLink } from './UserLink';

/** One row of `question.list` / `question.search`. */
export type QuestionSummaryItem = RouterOutputs['question']['list']['items'][number];

/** A question in a list: counters, title, excerpt, tags, author and age. */
export function QuestionSummary({ question }: { question: QuestionSummaryItem }) {
  return (
    <li className="question-item">
      <div className="question-item__stats">
        <span>{plural(question.score, 'vote')}</span>
        <span
          className={
            question.hasAcceptedAnswer ? 'accepted' : question.answerCount > 0 ? 'answered' : undefined
          }
          title={question.hasAcceptedAnswer ? 'Has an accepted answer' : undefined}
        >
          {question.hasAcceptedAnswer && '✓ '}
          {plural(question.answerCount, 'answer')}
        </span>
        <span>{plural(question.viewCount, 'view')}</span>
      </div>
      <div>
        <h3 className="question-item__title">
          <Link to={`/questions/${question.id}`}>{question.title}</Link>
        </h3>
        {question.excerpt && <p className="question-item__excerpt">{question.excerpt}</p>}
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <TagList tags={question.tags} />
          <span className="meta">
            <UserLink user={question.author} />
            <TimeAgo iso={question.createdAt} prefix="asked" />
          </span>
        </div>
      </div>
    </li>
  );
}

/** A list of question rows, or a message when it is empty. */
export function QuestionList({ items, empty }: { items: QuestionSummaryItem[]; empty: string }) {
  if (items.length === 0) return <p className="empty">{empty}</p>;
  return (
    <ul className="question-list card" style={{ padding: 0 }}>
      {items.map((question) => (
        <QuestionSummary key={question.id} question={question} />
      ))}
    </ul>
  );
}
