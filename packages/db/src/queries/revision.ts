import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { revisions, users } from '../schema';
import { authorColumns, type Bindable } from './rows';

/** A full snapshot of a post as one revision saves it. */
export type RevisionSnapshot = {
  targetType: 'question' | 'answer';
  targetId: number;
  editorId: number;
  title: string | null;
  body: string;
  tags: string[] | null;
};

/** Saves one revision (inside the caller's transaction, next to the change it records). */
export async function insertRevision(db: Executor, snapshot: RevisionSnapshot): Promise<void> {
  await insertRevisionQuery(db, snapshot);
}

/**
 * The statement of `insertRevision`. Exported so the bench's bare twin sends the very statement
 * (bench/write-twins.ts).
 */
export function insertRevisionQuery(db: Executor, snapshot: Bindable<RevisionSnapshot>) {
  return db.insert(revisions).values(snapshot);
}

/** Every revision of a post, newest first, with the editor under `editor` (reads `revisions_target_idx`). */
export async function listRevisions(
  db: Executor,
  params: { targetType: 'question' | 'answer'; targetId: number },
) {
  return db
    .select({
      id: revisions.id,
      createdAt: revisions.createdAt,
      title: revisions.title,
      body: revisions.body,
      tags: revisions.tags,
      editor: authorColumns,
    })
    .from(revisions)
    .innerJoin(users, eq(users.id, revisions.editorId))
    .where(and(eq(revisions.targetType, params.targetType), eq(revisions.targetId, params.targetId)))
    .orderBy(desc(revisions.id));
}
