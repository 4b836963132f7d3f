# SPDX-License-Identifier: MIT
# The scikit-learn models the classic-model tests run: each fitted with a fixed seed on one of
# scikit-learn's own datasets, with the samples to predict. Used by tests/py/test_classic.py and by
# tests/c/test_classic_gen.py (which writes blobs and scikit-learn's outputs for the C test).
import warnings

import numpy as np
from sklearn import (cluster, covariance, datasets, decomposition, ensemble, linear_model,
                     mixture, naive_bayes, neighbors, neural_network, pipeline, preprocessing, svm,
                     tree)
from sklearn.model_selection import train_test_split


def _data(name):
    if name.endswith("_unseen"):  # the prediction set gets unseen categories (see fitted())
        return _data(name[: -len("_unseen")])
    if name.endswith("_cat"):
        # The first 6 features binned by quantiles into categories 0..11 (float values).
        X, y = _data(name[: -len("_cat")])
        X = X.copy()
        for j in range(6):
            edges = np.quantile(X[:, j], np.linspace(0, 1, 13)[1:-1])
            X[:, j] = np.digitize(X[:, j], edges)
        return X, y
    if name.endswith("_jitter"):
        # Integers 0..118 (7 * pixel + 0..6): int8-exact, and distances rarely tie.
        X, y = _data(name[: -len("_jitter")])
        return X * 7 + np.random.default_rng(2).integers(0, 7, size=X.shape), y
    if name.endswith("_std"):  # standardized (the covariance estimators compare in float32)
        X, y = _data(name[: -len("_std")])
        return preprocessing.StandardScaler().fit_transform(X), y
    if name.endswith("_f32_nan"):
        # float32-exact values (HistGradientBoosting compares in double) with 5% missing.
        X, y = _data(name[: -len("_f32_nan")])
        X = X.astype(np.float32).astype(np.float64)
        X[np.random.default_rng(0).random(X.shape) < 0.05] = np.nan
        return X, y
    if name.endswith("_f32"):
        X, y = _data(name[: -len("_f32")])
        return X.astype(np.float32).astype(np.float64), y
    if name == "classification":
        X, y = datasets.make_classification(n_samples=600, n_features=12, n_informative=6,
                                            n_classes=3, random_state=0)
    elif name == "regression":
        X, y = datasets.make_regression(n_samples=400, n_features=10, noise=5.0, random_state=0)
    else:
        X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    return X.astype(np.float64), y


def _split(name):
    X, y = _data(name)
    return train_test_split(X, y, test_size=0.3, random_state=0)


def _scaled(model):
    return pipeline.make_pipeline(preprocessing.StandardScaler(), model)


# name -> (dataset, estimator factory, what to compare)
CASES = {
    # Trees and forests: compared on the whole dataset (100% of digits).
    "tree_clf_iris": ("iris", lambda: tree.DecisionTreeClassifier(random_state=0), "all"),
    "tree_clf_wine": ("wine", lambda: tree.DecisionTreeClassifier(max_depth=5, random_state=0), "all"),
    "tree_clf_digits": ("digits", lambda: tree.DecisionTreeClassifier(random_state=0), "all"),
    "forest_clf_digits": ("digits", lambda: ensemble.RandomForestClassifier(
        n_estimators=10, max_depth=8, random_state=0), "all"),
    "forest_clf_breast": ("breast_cancer", lambda: ensemble.RandomForestClassifier(
        n_estimators=20, random_state=0), "all"),
    "forest_clf_synth": ("classification", lambda: ensemble.RandomForestClassifier(
        n_estimators=15, random_state=0), "all"),
    "extra_clf_digits": ("digits", lambda: ensemble.ExtraTreesClassifier(
        n_estimators=10, random_state=0), "all"),
    "extra_clf_wine": ("wine", lambda: ensemble.ExtraTreesClassifier(
        n_estimators=10, random_state=0), "all"),
    "tree_reg_diabetes": ("diabetes", lambda: tree.DecisionTreeRegressor(max_depth=6, random_state=0), "all"),
    "forest_reg_diabetes": ("diabetes", lambda: ensemble.RandomForestRegressor(
        n_estimators=10, random_state=0), "all"),
    "extra_reg_synth": ("regression", lambda: ensemble.ExtraTreesRegressor(
        n_estimators=10, random_state=0), "all"),
    "forest_reg_synth": ("regression", lambda: ensemble.RandomForestRegressor(
        n_estimators=8, max_depth=10, random_state=0), "all"),
    # Linear models.
    "linreg_diabetes": ("diabetes", linear_model.LinearRegression, "test"),
    "ridge_synth": ("regression", lambda: linear_model.Ridge(alpha=1.0), "test"),
    "lasso_diabetes": ("diabetes", lambda: linear_model.Lasso(alpha=0.1), "test"),
    "enet_diabetes": ("diabetes", lambda: linear_model.ElasticNet(alpha=0.01), "test"),
    "sgdreg_synth": ("regression", lambda: _scaled(linear_model.SGDRegressor(random_state=0)), "test"),
    "linsvr_diabetes": ("diabetes", lambda: _scaled(svm.LinearSVR(random_state=0, max_iter=5000)), "test"),
    "logreg_breast": ("breast_cancer", lambda: _scaled(linear_model.LogisticRegression()), "test"),
    "logreg_iris": ("iris", lambda: linear_model.LogisticRegression(max_iter=1000), "test"),
    "logreg_wine_ovr": ("wine", lambda: _scaled(linear_model.LogisticRegression(multi_class="ovr")), "test"),
    "logreg_digits": ("digits", lambda: _scaled(linear_model.LogisticRegression(max_iter=2000)), "test"),
    "sgd_hinge_digits": ("digits", lambda: _scaled(linear_model.SGDClassifier(random_state=0)), "test"),
    "sgd_log_iris": ("iris", lambda: _scaled(linear_model.SGDClassifier(
        loss="log_loss", random_state=0)), "test"),
    "linsvc_wine": ("wine", lambda: _scaled(svm.LinearSVC(random_state=0, max_iter=5000)), "test"),
    "linsvc_breast": ("breast_cancer", lambda: pipeline.make_pipeline(
        preprocessing.MinMaxScaler(), svm.LinearSVC(random_state=0, max_iter=5000)), "test"),
    "pca_logreg_wine": ("wine", lambda: pipeline.make_pipeline(
        preprocessing.StandardScaler(), decomposition.PCA(n_components=5),
        linear_model.LogisticRegression()), "test"),
    "robust_ridge_synth": ("classification", lambda: pipeline.make_pipeline(
        preprocessing.RobustScaler(), linear_model.RidgeClassifier()), "test"),
    "maxabs_norm_logreg_iris": ("iris", lambda: pipeline.make_pipeline(
        preprocessing.MaxAbsScaler(), preprocessing.Normalizer(),
        linear_model.LogisticRegression()), "test"),
    # Centroids, clusters, isolation forest.
    "ncentroid_iris": ("iris", neighbors.NearestCentroid, "test"),
    "ncentroid_wine_manhattan": ("wine", lambda: _scaled(neighbors.NearestCentroid(
        metric="manhattan")), "test"),
    "kmeans_digits": ("digits", lambda: cluster.KMeans(n_clusters=10, n_init=3, random_state=0), "all"),
    "kmeans_wine": ("wine", lambda: _scaled(cluster.KMeans(n_clusters=3, n_init=3, random_state=0)), "test"),
    "minibatch_kmeans_iris": ("iris", lambda: cluster.MiniBatchKMeans(
        n_clusters=4, n_init=3, random_state=0), "test"),
    "iforest_breast": ("breast_cancer", lambda: ensemble.IsolationForest(
        n_estimators=50, random_state=0), "all"),
    "iforest_iris_small": ("iris", lambda: ensemble.IsolationForest(
        n_estimators=8, max_samples=32, max_features=0.75, random_state=0), "all"),
    "iforest_synth_subfeatures": ("classification", lambda: ensemble.IsolationForest(
        n_estimators=30, max_features=0.5, random_state=0), "all"),
    # Neighbours (continuous features: no ties in distance).
    "knn_wine": ("wine", lambda: _scaled(neighbors.KNeighborsClassifier()), "test"),
    "knn_breast_distance_manhattan": ("breast_cancer", lambda: _scaled(neighbors.KNeighborsClassifier(
        n_neighbors=7, weights="distance", metric="manhattan")), "test"),
    "knn_synth_k1": ("classification", lambda: neighbors.KNeighborsClassifier(n_neighbors=1), "test"),
    "knn_reg_synth": ("regression", lambda: neighbors.KNeighborsRegressor(n_neighbors=5), "test"),
    "knn_reg_diabetes_distance": ("diabetes", lambda: neighbors.KNeighborsRegressor(
        n_neighbors=4, weights="distance", p=1), "test"),
    # Integer features (the int8 / int16 compact forms store them exactly), jittered so that
    # distances rarely tie.
    "knn_digits": ("digits_jitter", lambda: neighbors.KNeighborsClassifier(
        n_neighbors=5, weights="distance"), "test"),
    "knn_reg_digits": ("digits_jitter", lambda: neighbors.KNeighborsRegressor(n_neighbors=3), "test"),
    # Gaussian mixtures, every covariance type.
    "gmm_full_iris": ("iris", lambda: mixture.GaussianMixture(3, random_state=0), "test"),
    "gmm_tied_wine": ("wine", lambda: _scaled(mixture.GaussianMixture(
        4, covariance_type="tied", random_state=0)), "test"),
    "gmm_diag_breast": ("breast_cancer", lambda: _scaled(mixture.GaussianMixture(
        4, covariance_type="diag", random_state=0)), "test"),
    "gmm_spherical_synth": ("classification", lambda: _scaled(mixture.GaussianMixture(
        5, covariance_type="spherical", random_state=0)), "test"),
    "gmm_full_synth8": ("classification", lambda: pipeline.make_pipeline(
        preprocessing.StandardScaler(), decomposition.PCA(8),
        mixture.GaussianMixture(4, random_state=0)), "test"),
    # Kernel SVMs.
    "svc_rbf_iris": ("iris", lambda: svm.SVC(), "test"),
    "svc_rbf_wine": ("wine", lambda: _scaled(svm.SVC(C=10.0)), "test"),
    "svc_poly_breast": ("breast_cancer", lambda: _scaled(svm.SVC(kernel="poly", degree=3)), "test"),
    "svc_linear_digits": ("digits", lambda: svm.SVC(kernel="linear"), "test"),
    "svc_sigmoid_synth": ("classification", lambda: _scaled(svm.SVC(
        kernel="sigmoid", gamma=0.05)), "test"),
    "nusvc_rbf_wine": ("wine", lambda: _scaled(svm.NuSVC()), "test"),
    "svr_rbf_diabetes": ("diabetes", lambda: svm.SVR(C=100.0), "test"),
    "svr_poly_synth": ("regression", lambda: _scaled(svm.SVR(kernel="poly", C=100.0)), "test"),
    "ocsvm_rbf_wine": ("wine", lambda: _scaled(svm.OneClassSVM(nu=0.1)), "test"),
    "ocsvm_poly_iris": ("iris", lambda: svm.OneClassSVM(kernel="poly", degree=2, nu=0.2), "test"),
    # Histogram gradient boosting, with missing values.
    "hgb_clf_breast_nan": ("breast_cancer_f32_nan", lambda: ensemble.HistGradientBoostingClassifier(
        max_iter=30, random_state=0), "all"),
    "hgb_clf_digits": ("digits_f32", lambda: ensemble.HistGradientBoostingClassifier(
        max_iter=10, random_state=0), "all"),
    "hgb_clf_wine_nan": ("wine_f32_nan", lambda: ensemble.HistGradientBoostingClassifier(
        max_iter=20, random_state=0), "all"),
    "hgb_reg_diabetes_nan": ("diabetes_f32_nan", lambda: ensemble.HistGradientBoostingRegressor(
        max_iter=40, random_state=0), "all"),
    # Boosting, naive Bayes, small networks.
    "gb_clf_iris": ("iris", lambda: ensemble.GradientBoostingClassifier(
        n_estimators=30, max_depth=3, random_state=0), "all"),
    "gb_clf_breast": ("breast_cancer", lambda: ensemble.GradientBoostingClassifier(
        n_estimators=40, random_state=0), "all"),
    "gb_clf_digits": ("digits", lambda: ensemble.GradientBoostingClassifier(
        n_estimators=10, max_depth=3, random_state=0), "all"),
    "gb_reg_diabetes": ("diabetes", lambda: ensemble.GradientBoostingRegressor(
        n_estimators=50, random_state=0), "all"),
    "gb_reg_synth_huber": ("regression", lambda: ensemble.GradientBoostingRegressor(
        loss="huber", n_estimators=30, random_state=0), "all"),
    "gnb_iris": ("iris", naive_bayes.GaussianNB, "test"),
    "gnb_wine": ("wine", naive_bayes.GaussianNB, "test"),
    "gnb_breast": ("breast_cancer", naive_bayes.GaussianNB, "test"),
    "gnb_synth": ("classification", naive_bayes.GaussianNB, "test"),
    "mlp_clf_digits": ("digits", lambda: _scaled(neural_network.MLPClassifier(
        hidden_layer_sizes=(32,), max_iter=300, random_state=0)), "test"),
    "mlp_clf_breast_tanh": ("breast_cancer", lambda: _scaled(neural_network.MLPClassifier(
        hidden_layer_sizes=(16, 8), activation="tanh", max_iter=300, random_state=0)), "test"),
    "mlp_clf_iris_logistic": ("iris", lambda: _scaled(neural_network.MLPClassifier(
        hidden_layer_sizes=(10,), activation="logistic", max_iter=500, random_state=0)), "test"),
    "mlp_reg_diabetes": ("diabetes", lambda: _scaled(neural_network.MLPRegressor(
        hidden_layer_sizes=(20,), max_iter=500, random_state=0)), "test"),
    "mlp_reg_synth_identity": ("regression", lambda: _scaled(neural_network.MLPRegressor(
        hidden_layer_sizes=(8,), activation="identity", max_iter=300, random_state=0)), "test"),
    # Covariance: EllipticEnvelope (predict, decision_function, score_samples, mahalanobis) and
    # MinCovDet / EmpiricalCovariance (mahalanobis).
    "envelope_iris": ("iris", lambda: covariance.EllipticEnvelope(random_state=0), "all"),
    "envelope_wine": ("wine", lambda: _scaled(covariance.EllipticEnvelope(
        contamination=0.05, random_state=0)), "all"),
    "envelope_breast": ("breast_cancer_std", lambda: covariance.EllipticEnvelope(
        contamination=0.2, random_state=0), "all"),
    "envelope_synth": ("classification", lambda: covariance.EllipticEnvelope(random_state=0), "all"),
    "mincovdet_iris": ("iris", lambda: covariance.MinCovDet(random_state=0), "all"),
    "mincovdet_wine": ("wine_std", lambda: covariance.MinCovDet(random_state=0), "all"),
    "mincovdet_diabetes": ("diabetes_std", lambda: covariance.MinCovDet(random_state=0), "all"),
    "empcov_synth": ("regression", covariance.EmpiricalCovariance, "all"),
    # Kernel SVMs with predict_proba (libsvm's Platt sigmoids and pairwise coupling).
    "svc_rbf_iris_proba": ("iris", lambda: svm.SVC(probability=True, random_state=0), "test"),
    "svc_poly_breast_proba": ("breast_cancer", lambda: _scaled(svm.SVC(
        kernel="poly", degree=2, probability=True, random_state=0)), "test"),
    "svc_rbf_wine_proba": ("wine", lambda: _scaled(svm.SVC(probability=True, random_state=0)), "test"),
    "nusvc_rbf_synth_proba": ("classification", lambda: _scaled(svm.NuSVC(
        probability=True, random_state=0)), "test"),
    "svc_linear_digits_proba": ("digits", lambda: svm.SVC(
        kernel="linear", probability=True, random_state=0), "test"),
    # HistGradientBoosting with categorical splits (missing values, unseen categories).
    "hgb_cat_clf_digits": ("digits_f32_nan_unseen", lambda: ensemble.HistGradientBoostingClassifier(
        categorical_features=list(range(16, 48)), max_iter=10, random_state=0), "all"),
    "hgb_cat_clf_breast": ("breast_cancer_f32_cat_unseen", lambda: ensemble.HistGradientBoostingClassifier(
        categorical_features=list(range(6)), max_iter=30, random_state=0), "all"),
    "hgb_cat_reg_synth": ("regression_f32_cat_unseen", lambda: ensemble.HistGradientBoostingRegressor(
        categorical_features=list(range(6)), max_iter=30, random_state=0), "all"),
    "hgb_cat_reg_diabetes": ("diabetes_f32_cat", lambda: ensemble.HistGradientBoostingRegressor(
        categorical_features=[0, 1, 2, 3, 4, 5], max_iter=20, random_state=0), "test"),
    # Transformers alone.
    "standard_wine": ("wine", preprocessing.StandardScaler, "test"),
    "minmax_breast": ("breast_cancer", preprocessing.MinMaxScaler, "test"),
    "robust_diabetes": ("diabetes", preprocessing.RobustScaler, "test"),
    "maxabs_digits": ("digits", preprocessing.MaxAbsScaler, "test"),
    "norm_l1_iris": ("iris", lambda: preprocessing.Normalizer(norm="l1"), "test"),
    "norm_l2_wine": ("wine", preprocessing.Normalizer, "test"),
    "norm_max_iris": ("iris", lambda: preprocessing.Normalizer(norm="max"), "test"),
    "pca_iris": ("iris", lambda: decomposition.PCA(n_components=3), "test"),
    "pca_whiten_digits": ("digits", lambda: pipeline.make_pipeline(
        preprocessing.MinMaxScaler(), decomposition.PCA(n_components=10, whiten=True)), "test"),
}


def fitted(name):
    """(estimator, X to predict) of case `name`: fitted on the training split."""
    data, make, which = CASES[name]
    X_train, X_test, y_train, _ = _split(data)
    est = make()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings: the fitted model is what counts
        if hasattr(est, "predict") or not hasattr(est, "fit_transform"):
            est.fit(X_train, y_train)
        else:
            est.fit(X_train)
    X = _data(data)[0] if which == "all" else X_test
    if data.endswith("_unseen"):
        X = _unseen(X, est)
    return est, X


def _unseen(X, est):
    """X with 5% of its categorical values replaced by categories the model has not seen (17, 40,
    255.5), negative ones (-1, -0.5: scikit-learn treats them as missing) and non-integer ones (2.5:
    the integer part is the category)."""
    X = X.copy()
    cat = np.flatnonzero(est.is_categorical_)
    rng = np.random.default_rng(1)
    hit = rng.random((len(X), len(cat))) < 0.05
    vals = rng.choice([17.0, 40.0, 255.5, -1.0, -0.5, 2.5], size=hit.shape)
    sub = X[:, cat]
    sub[hit] = vals[hit]
    X[:, cat] = sub
    return X


def methods(est):
    """The methods microml must match on est, in a fixed order."""
    return [m for m in ("predict", "predict_proba", "decision_function", "transform",
                        "score_samples", "mahalanobis")
            if hasattr(est, m)
            and not (m == "score_samples" and not hasattr(est, "predict"))
            and not (m == "predict_proba" and not _has_proba(est))]


def _has_proba(est):
    try:
        getattr(est, "predict_proba")
        return True
    except AttributeError:
        return False


def is_classifier(est):
    return hasattr(est, "classes_") or type(est).__name__ in (
        "OneClassSVM", "IsolationForest", "KMeans", "MiniBatchKMeans", "GaussianMixture",
        "EllipticEnvelope") or (
        hasattr(est, "steps") and is_classifier(est.steps[-1][1]))


def near_ties(scores, rel=1e-6):
    """Rows whose top-two scores (scikit-learn's) are within rel of each other."""
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim == 1:  # binary decision: a tie at 0
        return np.abs(s) <= rel * np.maximum(1.0, np.abs(s))
    top = np.sort(s, axis=1)[:, -2:]
    return np.abs(top[:, 1] - top[:, 0]) <= rel * np.maximum(np.abs(top[:, 1]), 1e-30)


def tie_scores(est, X):
    """scikit-learn's own scores behind its predicted label (proba, decision function, or minus
    the distances to the centroids)."""
    final = est.steps[-1][1] if hasattr(est, "steps") else est
    Xt = est[:-1].transform(X) if hasattr(est, "steps") else X
    if hasattr(final, "centroids_"):
        from sklearn.metrics import pairwise_distances
        return -pairwise_distances(Xt, final.centroids_, metric=final.metric)
    if hasattr(final, "cluster_centers_"):
        return -final.transform(Xt)
    if _has_proba(est):
        return est.predict_proba(X)
    return est.decision_function(X)
