import { noInput, siteSettingsInput, siteSettingsOutput } from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { adminProcedure, protectedProcedure, router } from '../../trpc/procedures';
import * as admin from './service';

/** Site administration (admins). */
export const adminRouter = router({
  /** Moderation settings: the privilege preset, threshold overrides, flag and close-vote numbers. */
  settings: router({
    /** The moderation settings and the privilege thresholds in force (admins). */
    get: protectedProcedure
      .meta({
        openapi: {
          method: 'GET',
          path: '/admin/settings',
          errorResponses: { 403: 'the caller is not an admin' },
          tags: ['admin'],
          summary: 'Moderation settings',
          description:
            'The privilege preset (`team`: every user votes, flags and replies, moderators edit, review and close; `community`: reputation thresholds as on Stack Overflow), threshold overrides (`null`: moderators only), flags that hide a post, close votes that close a question and the days a close vote lasts; `effective` lists the threshold in force for every privilege.',
          protect: true,
        },
      })
      .input(noInput)
      .output(syncOutput(siteSettingsOutput))
      .query(({ ctx }) => admin.getSettings(ctx.deps, ctx.user)),

    /** Changes moderation settings at run time, for every server process at once (admins). */
    set: adminProcedure
      .meta({
        openapi: {
          method: 'POST',
          path: '/admin/settings',
          errorResponses: { 403: 'the caller is not an admin' },
          tags: ['admin'],
          summary: 'Change moderation settings',
          description:
            'Omitted fields stay as they are; `thresholds` replaces the whole set of overrides (`{}` returns to the preset). Every server process obeys the change from its next request.',
          protect: true,
        },
      })
      .input(siteSettingsInput)
      .output(syncOutput(siteSettingsOutput))
      .mutation(({ ctx, input }) => admin.setSettings(ctx.deps, ctx.user, input)),
  }),
});
