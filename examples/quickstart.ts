// The quickstart from the README: a cached, retried task mapped over inputs inside a flow.
import { flow, task } from '@tideflow/core';

const square = task(
  async function square(x: number) {
    return x * x;
  },
  { cache: true, retries: 2 },
);

const sumOfSquares = flow(async function sumOfSquares(n: number) {
  const values = await Promise.all(square.map([...Array(n).keys()]));
  return values.reduce((a, b) => a + b, 0);
});

const state = await sumOfSquares.run(10);
console.log(state.name, state.result()); // Completed 285
