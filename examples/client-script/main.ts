// An app outside DevFlow's code base: it knows only @devflow/client (and the server's URL).
//
//   DEVFLOW_URL=http://127.0.0.1:3000 npx tsx main.ts
//   DEVFLOW_URL=… DEVFLOW_LOGIN=ada DEVFLOW_PASSWORD=… npx tsx main.ts   # also asks and answers a question
import { createDevflowClient, login, toDevflowError } from '@devflow/client';

const url = process.env.DEVFLOW_URL ?? 'http://127.0.0.1:3000';

async function main(): Promise<void> {
  const anonymous = createDevflowClient({ url });
  const health = await anonymous.health.check.query();
  console.log(`server: ${health.ok ? 'ok' : 'degraded'} (database ${health.db}, cache ${health.cache})`);

  const { login: name, password } = {
    login: process.env.DEVFLOW_LOGIN,
    password: process.env.DEVFLOW_PASSWORD,
  };
  if (name && password) {
    const { token, user } = await login(url, { login: name, password });
    console.log(`signed in as ${user.username}`);
    const client = createDevflowClient({ url, token });
    const question = await client.question.create.mutate({
      title: 'How does the DevFlow client batch calls?',
      body: 'Calls made in the same tick should travel in one HTTP request. Is that right?',
      tags: ['devflow', 'trpc'],
    });
    console.log(`asked question ${question.id}: ${question.title}`);
    await client.answer.create.mutate({
      questionId: question.id,
      body: 'Yes: httpBatchLink groups them, up to maxItems calls per request.',
    });
    // Two reads in one tick: one HTTP request.
    const [detail, me] = await Promise.all([
      client.question.byId.query({ id: question.id }),
      client.auth.me.query(),
    ]);
    console.log(`question ${detail.id} has ${detail.answers.length} answer(s); me = ${me?.username}`);
  }

  const newest = await anonymous.question.list.query({ sort: 'newest', limit: 5 });
  console.log(`newest questions: ${newest.items.length}`);
  for (const item of newest.items) console.log(`- [${item.id}] ${item.title} (${item.answerCount} answers)`);

  // Errors come back with the tRPC code, the HTTP status and the invalid fields.
  try {
    await anonymous.question.byId.query({ id: '999999999' });
  } catch (error) {
    const failure = toDevflowError(error);
    console.log(`missing question: ${failure.code} (HTTP ${failure.httpStatus})`);
  }
}

main().catch((error: unknown) => {
  const failure = toDevflowError(error);
  console.error(`example failed: ${failure.code}: ${failure.message}`);
  process.exitCode = 1;
});
