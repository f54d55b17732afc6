// Subflows run in parallel with .submit; each is a child run of the parent flow run.
import { engineEvents, flow, task } from '@tideflow/core';

const fit = task(async function fit(model: string, fold: number) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return model.length / 10 + fold / 100;
});

const searchModel = flow(
  async function searchModel(model: string) {
    const scores = await Promise.all([0, 1, 2, 3, 4].map((fold) => fit.submit(model, fold)));
    return { model, score: scores.reduce((a, b) => a + b, 0) / scores.length };
  },
  { maxConcurrency: 5 },
);

const search = flow(async function search(models: string[]) {
  const results = await Promise.all(models.map((m) => searchModel.submit(m)));
  return results.sort((a, b) => b.score - a.score)[0];
});

const children: string[] = [];
let parentId = '';
engineEvents.subscribe((e) => {
  if (e.type !== 'run.created' || e.run.kind !== 'flow') return;
  if (e.run.name === 'search') parentId = e.run.id;
  else children.push(e.run.parentRunId === parentId ? 'child of search' : 'orphan');
});
const started = Date.now();
const best = await search(['knn', 'gaussian_nb', 'svc']);
console.log(`best: ${best.model} (${best.score.toFixed(3)})`);
console.log(`subflows: ${children.length}, ${[...new Set(children)].join(', ')}`);
console.log(`15 fits of 20 ms ran in parallel: ${Date.now() - started < 250 ? 'yes' : 'no'}`);
