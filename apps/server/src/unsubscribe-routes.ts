import { type ApiDeps, InvalidUnsubscribeError, unsubscribeWithToken } from '@devflow/api';
import { unsubscribeTokenInput } from '@devflow/contract';
import { Hono } from 'hono';

/**
 * One-click unsubscribe from notification mail (RFC 8058), mounted at `/mail`.
 *
 * `POST /mail/unsubscribe?token=…` is what a mail client posts (body `List-Unsubscribe=One-Click`) when
 * the reader presses its unsubscribe button, and what the web app's `/unsubscribe` page posts. It needs
 * no session and is exempt from the CSRF origin check by design: the signed token is the authorization,
 * it can only turn mail off, and the tRPC/REST origin check covers cookie-authenticated calls only. A
 * forged or altered token is 400 and changes nothing.
 *
 * `GET /mail/unsubscribe?token=…` changes nothing (link scanners prefetch GETs): it sends the browser to
 * the web app's confirmation page.
 */
export function unsubscribeRoutes(deps: ApiDeps) {
  const routes = new Hono();
  routes.post('/unsubscribe', async (c) => {
    const token = unsubscribeTokenInput.safeParse(c.req.query('token'));
    try {
      if (!token.success) throw new InvalidUnsubscribeError();
      const { kinds } = await unsubscribeWithToken(deps, token.data);
      return c.json({ ok: true, kinds });
    } catch (error) {
      if (error instanceof InvalidUnsubscribeError) return c.json({ ok: false, error: error.message }, 400);
      throw error;
    }
  });
  routes.get('/unsubscribe', (c) => {
    const token = c.req.query('token') ?? '';
    return c.redirect(`/unsubscribe?token=${encodeURIComponent(token)}`, 303);
  });
  return routes;
}
