// Minimal typings of the untyped ml.js packages used as independent cross-checks in tests.
declare module 'ml-naivebayes' {
  export class GaussianNB {
    train(X: number[][], y: number[]): void;
    predict(X: number[][]): number[];
  }
}
declare module 'ml-knn' {
  export default class KNN {
    constructor(X: number[][], y: number[], options?: { k?: number });
    predict(X: number[][]): number[];
  }
}
