"""The scikit-learn side of sklearn-datasets.bench.ts (issue 10, point 7).

For each of scikit-learn's bundled data sets wine, breast_cancer and digits: a stratified,
seeded split (test_size 0.25, random_state 0) written as train/test CSVs (features by name, then
`target`), and a tuned scikit-learn baseline on the same split: GridSearchCV (5 stratified
shuffled folds, seed 0) over the five families tideflow searches, each a Pipeline of
StandardScaler and the model, with grids that contain tideflow's default grids; the best family
by CV score is refitted on the whole training split and scored on the test split.

Usage: python3 sklearn-datasets.py OUT_DIR
Prints one JSON object per data set: {"name", "train", "test", "features", "classes",
"accuracy", "family", "params", "cv_score", "seconds", "cpu_seconds"}.
"""

import csv
import json
import os
import sys
import time

from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

DATASETS = {"wine": load_wine, "breast_cancer": load_breast_cancer, "digits": load_digits}

# Each family's grid holds tideflow's default grid (knn k 5/15/31 × weights, svc C 1/10 with
# gamma "scale", logistic C 0.1/1/10, gaussian_nb var_smoothing 1e-9, random forest 100 trees
# of min_samples_leaf 5) and a few values more, so the baseline is at least as well tuned.
FAMILIES = {
    "knn": (
        KNeighborsClassifier(),
        {"n_neighbors": [1, 3, 5, 9, 15, 31], "weights": ["uniform", "distance"]},
    ),
    "gaussian_nb": (GaussianNB(), {"var_smoothing": [1e-9, 1e-6, 1e-3]}),
    "svc": (
        SVC(random_state=0),
        {"C": [0.1, 1, 10, 100], "gamma": ["scale", 0.001, 0.01, 0.1]},
    ),
    "logistic": (
        LogisticRegression(max_iter=5000),
        {"C": [0.01, 0.1, 1, 10, 100]},
    ),
    "random_forest": (
        RandomForestClassifier(random_state=0),
        {"n_estimators": [100, 300], "min_samples_leaf": [1, 5]},
    ),
}


def write_csv(path, names, X, y):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([*names, "target"])
        for row, label in zip(X, y):
            w.writerow([*(repr(float(v)) for v in row), int(label)])


def baseline(X_train, y_train, X_test, y_test):
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    best = None
    for family, (model, grid) in FAMILIES.items():
        pipe = Pipeline([("scale", StandardScaler()), ("model", model)])
        search = GridSearchCV(
            pipe, {f"model__{k}": v for k, v in grid.items()}, cv=folds, n_jobs=1
        )
        search.fit(X_train, y_train)
        if best is None or search.best_score_ > best[1].best_score_:
            best = (family, search)
    family, search = best
    params = {k.removeprefix("model__"): v for k, v in search.best_params_.items()}
    return family, params, search.best_score_, search.score(X_test, y_test)


def main():
    out = sys.argv[1]
    for name, load in DATASETS.items():
        data = load()
        X_train, X_test, y_train, y_test = train_test_split(
            data.data, data.target, test_size=0.25, stratify=data.target, random_state=0
        )
        names = [str(n).replace(" ", "_") for n in data.feature_names]
        write_csv(os.path.join(out, f"{name}.train.csv"), names, X_train, y_train)
        write_csv(os.path.join(out, f"{name}.test.csv"), names, X_test, y_test)
        wall, cpu = time.perf_counter(), time.process_time()
        family, params, cv_score, accuracy = baseline(X_train, y_train, X_test, y_test)
        line = {
            "name": name,
            "train": len(y_train),
            "test": len(y_test),
            "features": X_train.shape[1],
            "classes": len(set(data.target)),
            "accuracy": accuracy,
            "family": family,
            "params": params,
            "cv_score": cv_score,
            "seconds": time.perf_counter() - wall,
            "cpu_seconds": time.process_time() - cpu,
        }
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
