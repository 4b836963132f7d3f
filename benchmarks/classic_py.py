# SPDX-License-Identifier: MIT
# The benchmark's classical models written in plain (Micro)Python: the straightforward code a
# user would write without microml, to compare instructions per prediction on the same firmware
# (benchmarks/classic_bench.py). Parameters come from the fitted scikit-learn model, exported
# by classic_bench.py as arrays (load()); each class's predict(x) gives scikit-learn's label
# for one sample x (a sequence of floats) and allocates nothing per call where plain Python
# allows it. Runs on CPython too (classic_bench.py checks it there against scikit-learn).
import math
from array import array


def load(index_text, data):
    """{name: array} from classic_bench.py's export: index lines "name typecode count", the
    arrays' bytes one after another in data (4-byte items)."""
    params, at = {}, 0
    for line in index_text.split("\n"):
        w = line.split()
        if not w:
            continue
        n = int(w[2]) * 4
        params[w[0]] = array(w[1], bytes(data[at:at + n]))
        at += n
    return params


def argmax(v):
    best, bi = v[0], 0
    for i in range(1, len(v)):
        if v[i] > best:
            best, bi = v[i], i
    return bi


class Forest:
    """RandomForestClassifier: every tree's leaf class distribution summed, the largest wins.
    Nodes of all trees in one set of arrays; left < 0 marks a leaf."""

    def __init__(self, p):
        self.roots = p["roots"]
        self.feature = p["feature"]
        self.threshold = p["threshold"]
        self.left = p["left"]
        self.right = p["right"]
        self.value = p["value"]  # per node: n_classes probabilities
        self.n_classes = p["shape"][0]
        self.acc = array("f", [0.0] * self.n_classes)

    def predict(self, x):
        nc = self.n_classes
        acc = self.acc
        for c in range(nc):
            acc[c] = 0.0
        feature, threshold, left, right, value = (self.feature, self.threshold, self.left,
                                                  self.right, self.value)
        for root in self.roots:
            i = root
            while left[i] >= 0:
                if x[feature[i]] <= threshold[i]:
                    i = left[i]
                else:
                    i = right[i]
            base = i * nc
            for c in range(nc):
                acc[c] += value[base + c]
        return argmax(acc)


class GaussianMixture:
    """GaussianMixture (full covariances): the component with the largest weighted log
    density; bias[k] = log(weight) + log det of the precision's Cholesky factor."""

    def __init__(self, p):
        self.k, self.d = p["shape"][0], p["shape"][1]
        self.means = p["means"]
        self.prec = p["prec_chol"]  # k x d x d
        self.bias = p["bias"]
        self.diff = array("f", [0.0] * self.d)
        self.score = array("f", [0.0] * self.k)

    def predict(self, x):
        d, means, prec, diff, score = self.d, self.means, self.prec, self.diff, self.score
        for k in range(self.k):
            for i in range(d):
                diff[i] = x[i] - means[k * d + i]
            base = k * d * d
            q = 0.0
            for j in range(d):  # y = diff @ prec_chol[k]; q = |y|^2
                s = 0.0
                for i in range(d):
                    s += diff[i] * prec[base + i * d + j]
                q += s * s
            score[k] = self.bias[k] - 0.5 * q
        return argmax(score)


class KNeighbors:
    """KNeighborsClassifier (uniform weights, Euclidean): the k nearest stored samples vote; a
    tie in the vote goes to the smallest label."""

    def __init__(self, p):
        self.n, self.d, self.k, self.n_classes = (p["shape"][0], p["shape"][1], p["shape"][2],
                                                  p["shape"][3])
        self.samples = p["samples"]
        self.labels = p["labels"]
        self.dist = array("f", [0.0] * self.n)
        self.votes = array("i", [0] * self.n_classes)

    def predict(self, x):
        d, samples, dist = self.d, self.samples, self.dist
        for s in range(self.n):
            base = s * d
            acc = 0.0
            for i in range(d):
                t = x[i] - samples[base + i]
                acc += t * t
            dist[s] = acc
        votes = self.votes
        for c in range(self.n_classes):
            votes[c] = 0
        taken = []
        for _ in range(self.k):  # k passes of a minimum search
            best, bi = None, -1
            for s in range(self.n):
                if (best is None or dist[s] < best) and s not in taken:
                    best, bi = dist[s], s
            taken.append(bi)
            votes[self.labels[bi]] += 1
        return argmax(votes)


class SVC:
    """SVC with the RBF kernel, one-vs-one: each pair of classes votes, the most votes win
    (the first class among equals, as libsvm counts)."""

    def __init__(self, p):
        self.n_sv, self.d, self.n_classes = p["shape"][0], p["shape"][1], p["shape"][2]
        self.sv = p["sv"]
        self.n_support = p["n_support"]
        self.dual = p["dual"]  # (n_classes - 1) x n_sv
        self.intercept = p["intercept"]
        self.gamma = p["gamma"][0]
        self.kern = array("f", [0.0] * self.n_sv)
        self.votes = array("i", [0] * self.n_classes)
        self.start = array("i", [0] * self.n_classes)
        for c in range(1, self.n_classes):
            self.start[c] = self.start[c - 1] + self.n_support[c - 1]

    def predict(self, x):
        d, sv, kern = self.d, self.sv, self.kern
        for s in range(self.n_sv):
            base = s * d
            acc = 0.0
            for i in range(d):
                t = x[i] - sv[base + i]
                acc += t * t
            kern[s] = math.exp(-self.gamma * acc)
        nc, n_sv, dual, start, nsup = self.n_classes, self.n_sv, self.dual, self.start, self.n_support
        votes = self.votes
        for c in range(nc):
            votes[c] = 0
        p = 0
        for i in range(nc):
            for j in range(i + 1, nc):
                s = 0.0
                for t in range(start[i], start[i] + nsup[i]):
                    s += dual[(j - 1) * n_sv + t] * kern[t]
                for t in range(start[j], start[j] + nsup[j]):
                    s += dual[i * n_sv + t] * kern[t]
                s += self.intercept[p]
                p += 1
                if s > 0:
                    votes[i] += 1
                else:
                    votes[j] += 1
        return argmax(votes)


class MLP:
    """MLPClassifier with one hidden ReLU layer: the largest output logit wins (softmax does
    not change the order)."""

    def __init__(self, p):
        self.n_in, self.n_hidden, self.n_out = p["shape"][0], p["shape"][1], p["shape"][2]
        self.w1, self.b1 = p["w1"], p["b1"]  # n_in x n_hidden
        self.w2, self.b2 = p["w2"], p["b2"]  # n_hidden x n_out
        self.h = array("f", [0.0] * self.n_hidden)
        self.o = array("f", [0.0] * self.n_out)

    def predict(self, x):
        nh, no, w1, w2, h, o = self.n_hidden, self.n_out, self.w1, self.w2, self.h, self.o
        for j in range(nh):
            s = self.b1[j]
            for i in range(self.n_in):
                s += x[i] * w1[i * nh + j]
            h[j] = s if s > 0.0 else 0.0
        for j in range(no):
            s = self.b2[j]
            for i in range(nh):
                s += h[i] * w2[i * no + j]
            o[j] = s
        return argmax(o)


KINDS = {"forest": Forest, "gmm": GaussianMixture, "knn": KNeighbors, "svc": SVC, "mlp": MLP}
