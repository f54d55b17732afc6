// The bad-input list, checked for every estimator: each case must raise a typed error
// whose message starts with the estimator's name and says what is wrong.
import { describe, expect, it } from 'vitest';
import {
  DecisionTreeClassifier,
  EstimatorInputError,
  GaussianNB,
  InvalidParameterError,
  KNeighborsClassifier,
  LogisticRegression,
  NotFittedError,
  Pipeline,
  RandomForestClassifier,
  SVC,
  StandardScaler,
  fromRows,
} from '../src/index.js';
import type { Classifier } from '../src/index.js';

const X = fromRows([
  [0, 0],
  [0.5, 1],
  [1, 0.2],
  [5, 5],
  [5.5, 6],
  [6, 5.2],
]);
const y = Int32Array.from([0, 0, 0, 1, 1, 1]);

interface Case {
  name: string;
  make: () => Classifier;
  /** A parameter set with a non-finite number. */
  nonFinite: () => unknown;
}

const cases: Case[] = [
  {
    name: 'GaussianNB',
    make: () => new GaussianNB(),
    nonFinite: () => new GaussianNB({ varSmoothing: NaN }),
  },
  {
    name: 'KNeighborsClassifier',
    make: () => new KNeighborsClassifier({ nNeighbors: 3 }),
    nonFinite: () => new KNeighborsClassifier({ nNeighbors: Infinity }),
  },
  { name: 'SVC', make: () => new SVC(), nonFinite: () => new SVC({ gamma: Infinity }) },
  {
    name: 'LogisticRegression',
    make: () => new LogisticRegression(),
    nonFinite: () => new LogisticRegression({ C: NaN }),
  },
  {
    name: 'DecisionTreeClassifier',
    make: () => new DecisionTreeClassifier(),
    nonFinite: () => new DecisionTreeClassifier({ minSamplesLeaf: Infinity }),
  },
  {
    name: 'RandomForestClassifier',
    make: () => new RandomForestClassifier({ nEstimators: 5 }),
    nonFinite: () => new RandomForestClassifier({ seed: NaN }),
  },
  {
    name: 'Pipeline',
    make: () =>
      new Pipeline({
        steps: [
          ['scale', new StandardScaler()],
          ['nb', new GaussianNB()],
        ],
      }),
    nonFinite: () =>
      new Pipeline({
        steps: [
          ['scale', new StandardScaler()],
          ['nb', new GaussianNB()],
        ],
      }).withParams({
        nb__varSmoothing: -Infinity,
      }),
  },
];

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe.each(cases)('$name rejects bad input', ({ name, make, nonFinite }) => {
  const inputError = (fn: () => unknown, detail: RegExp, who = name) => {
    const err = errorOf(fn);
    expect(err).toBeInstanceOf(EstimatorInputError);
    expect((err as EstimatorInputError).code).toBe('ESTIMATOR_INPUT');
    expect(err.message.startsWith(`${who}: `)).toBe(true);
    expect(err.message).toMatch(detail);
  };

  it('NaN or Infinity in the features, at fit and at predict', () => {
    inputError(
      () =>
        make().fit(
          fromRows([
            [0, NaN],
            [1, 1],
            [2, 2],
            [3, 3],
          ]),
          Int32Array.from([0, 0, 1, 1]),
        ),
      /NaN at row 0, column 1/,
    );
    inputError(
      () =>
        make().fit(
          fromRows([
            [0, 1],
            [Infinity, 1],
            [2, 2],
            [3, 3],
          ]),
          Int32Array.from([0, 0, 1, 1]),
        ),
      /Infinity at row 1/,
    );
    const fitted = make().fit(X, y);
    const who = name === 'Pipeline' ? 'StandardScaler' : name; // the first step sees the data
    inputError(() => fitted.predict(fromRows([[1, -Infinity]])), /-Infinity/, who);
    inputError(() => fitted.predictProba(fromRows([[NaN, 1]])), /NaN/, who);
  });

  it('zero rows, one class only and mismatched X/y lengths', () => {
    inputError(() => make().fit(fromRows([]), new Int32Array(0)), /zero rows/);
    inputError(() => make().fit(X, new Int32Array(6).fill(4)), /only one class \(4\)/);
    inputError(() => make().fit(X, Int32Array.from([0, 1, 0])), /X has 6 rows but y has 3 labels/);
  });

  it('a wrong feature count at predict time', () => {
    const who = name === 'Pipeline' ? 'StandardScaler' : name;
    inputError(
      () =>
        make()
          .fit(X, y)
          .predict(fromRows([[1, 2, 3]])),
      /3 features but the model was fitted with 2/,
      who,
    );
  });

  it('non-finite hyper-parameters', () => {
    const err = errorOf(nonFinite);
    expect(err).toBeInstanceOf(InvalidParameterError);
    expect((err as InvalidParameterError).code).toBe('INVALID_PARAMETER');
    expect(err.message).toMatch(/must be a finite number|must be ≥|must be >/);
  });

  it('predict before fit', () => {
    expect(() => make().predict(X)).toThrow(NotFittedError);
  });
});

describe('k larger than the training set', () => {
  it('KNeighborsClassifier names the parameter and the row count', () => {
    const err = errorOf(() => new KNeighborsClassifier({ nNeighbors: 7 }).fit(X, y));
    expect(err).toBeInstanceOf(EstimatorInputError);
    expect(err.message).toBe(
      'KNeighborsClassifier: nNeighbors=7 is larger than the 6 training rows; lower it.',
    );
  });
});
