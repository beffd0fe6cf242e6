"""Reference values for Tests/LatentModelsTests/VariationalObjectiveTests.swift (numpy, doubles).

A one-layer encoder and decoder (hidden sizes []) on 3-pixel data, latent dimension 2, Bernoulli
likelihood, a batch of two. The weights are given below; the noise eps is what the engine draws
from SplitMix64(seed: 11) with Box-Muller (reimplemented here from Sources/LatentTensor/Random.swift,
rounded to Float as the engine stores it), in the order [k, batch, latent]. Everything else is
computed from the textbook formulas in double precision, not from the engine's code:

    log p(x|z)  = sum_j x_j l_j - softplus(l_j)                     (Bernoulli with logits l)
    log q(z|x)  = sum_j -1/2 ((z_j - mu_j)^2 / var_j + log var_j + log 2 pi)
    log p(z)    = sum_j -1/2 (z_j^2 + log 2 pi)
    KL          = sum_j 1/2 (mu_j^2 + var_j - 1 - log var_j)

Run: python3 scripts/reference/variational_objectives.py
"""
import math

import numpy as np

f32 = lambda a: np.array(a, dtype=np.float32).astype(np.float64)

X = f32([[1, 0, 1], [0.25, 1, 0]])
LABELS = [1, 0]
ENCODER_W = f32([[0.5, -0.25, 0.75], [-0.5, 0.25, 0.125], [0.25, 0.5, -0.5], [-0.125, -0.25, 0.375]])
ENCODER_B = f32([0.1, -0.2, -0.3, 0.2])
DECODER_W = f32([[1.0, -0.5], [0.25, 0.75], [-1.5, 0.5]])
DECODER_B = f32([0.2, -0.1, 0.3])
# The conditional model's extra columns, for the one-hot label of 2 classes.
ENCODER_LABEL_W = f32([[0.3, -0.3], [0.2, 0.1], [-0.4, 0.2], [0.1, 0.5]])
DECODER_LABEL_W = f32([[0.5, -0.5], [-0.25, 0.25], [0.1, 0.4]])
SEED = 11
BASELINE = 0.5


def splitmix64(seed):
    state = seed
    mask = (1 << 64) - 1
    while True:
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        yield z ^ (z >> 31)


def normals(count, seed=SEED):
    bits = splitmix64(seed)
    out = []
    for _ in range(count):
        u1 = 1 - (next(bits) >> 11) * 2.0**-53
        u2 = (next(bits) >> 11) * 2.0**-53
        out.append(np.float32(math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)))
    return np.array(out, dtype=np.float64)


def softplus(l):
    return np.logaddexp(0, l)


def one_hot(labels):
    return np.eye(2)[labels]


def encode(x, conditional=False, ae=False):
    if conditional:
        h = np.hstack([x, one_hot(LABELS)]) @ np.hstack([ENCODER_W, ENCODER_LABEL_W]).T + ENCODER_B
    elif ae:
        return x @ ENCODER_W[:2].T + ENCODER_B[:2], None
    else:
        h = x @ ENCODER_W.T + ENCODER_B
    return h[:, :2], h[:, 2:]


def decode(z, conditional=False, labels=None):
    if conditional:
        return np.hstack([z, one_hot(labels)]) @ np.hstack([DECODER_W, DECODER_LABEL_W]).T + DECODER_B
    return z @ DECODER_W.T + DECODER_B


def log_bernoulli(x, logits):
    return (x * logits - softplus(logits)).sum(axis=1)


def log_q(z, mu, logvar):
    return (-0.5 * ((z - mu) ** 2 / np.exp(logvar) + logvar + math.log(2 * math.pi))).sum(axis=1)


def log_prior(z):
    return (-0.5 * (z**2 + math.log(2 * math.pi))).sum(axis=1)


def kl(mu, logvar):
    return (0.5 * (mu**2 + np.exp(logvar) - 1 - logvar)).sum(axis=1)


def show(name, **values):
    text = lambda v: "[" + ", ".join(text(x) for x in v) + "]" if isinstance(v, list) else f"{float(v):.10g}"
    print(name.ljust(26), "  ".join(f"{k} {text(v)}" for k, v in values.items()))


# ae: the code is the encoder's output, decoded deterministically.
code, _ = encode(X, ae=True)
show("ae", loss=-log_bernoulli(X, decode(code)).mean())

# vae, beta-vae (beta = 3), cvae: one draw z = mu + sigma eps per example.
for name, beta, conditional in [("vae", 1.0, False), ("beta-vae, beta = 3", 3.0, False), ("cvae", 1.0, True)]:
    mu, logvar = encode(X, conditional=conditional)
    eps = normals(4).reshape(2, 2)
    z = mu + np.exp(0.5 * logvar) * eps
    reconstruction = -log_bernoulli(X, decode(z, conditional, LABELS)).mean()
    divergence = kl(mu, logvar).mean()
    show(name, loss=reconstruction + beta * divergence, bound=reconstruction + divergence,
         reconstruction=reconstruction, kl=divergence)

# iwae: k draws per example, -mean_b [logsumexp_k (log p(x, z_k) - log q(z_k|x)) - log k].
for k in (2, 3):
    mu, logvar = encode(X)
    eps = normals(k * 4).reshape(k, 2, 2)
    weights = []
    for s in range(k):
        z = mu + np.exp(0.5 * logvar) * eps[s]
        weights.append(log_bernoulli(X, decode(z)) + log_prior(z) - log_q(z, mu, logvar))
    weights = np.array(weights)
    top = weights.max(axis=0)
    bound = -(top + np.log(np.exp(weights - top).sum(axis=0)) - math.log(k)).mean()
    show(f"iwae, k = {k}", bound=bound)

# Score function (REINFORCE) with baseline b = 0.5: the surrogate
#   -(1/B) sum_b [(f_b - b) log q(z_b|x_b) + log p(x_b|z_b)],  f = log p(x|z) + beta (log p(z) - log q(z|x)),
# with z and f held fixed, so d/d(encoder) = -(1/B) sum (f - b) d log q, and its value at the point.
for name, beta in [("score-function vae", 1.0), ("score-function, beta = 3", 3.0)]:
    mu, logvar = encode(X)
    eps = normals(4).reshape(2, 2)
    z = mu + np.exp(0.5 * logvar) * eps
    likelihood = log_bernoulli(X, decode(z))
    q = log_q(z, mu, logvar)
    signal = likelihood + beta * (log_prior(z) - q)
    surrogate = -((signal - BASELINE) * q + likelihood).mean()
    # The encoder bias's gradient: d log q / d mu = (z - mu) / var, d log q / d logvar = -1/2 + (z - mu)^2 / (2 var).
    var = np.exp(logvar)
    d_mu = -((signal - BASELINE)[:, None] * (z - mu) / var).sum(axis=0) / 2
    d_logvar = -((signal - BASELINE)[:, None] * (-0.5 + 0.5 * (z - mu) ** 2 / var)).sum(axis=0) / 2
    show(name, loss=surrogate, signal=signal.mean(), bound=-likelihood.mean() + kl(mu, logvar).mean(),
         encoder_bias_gradient=[*d_mu, *d_logvar])
