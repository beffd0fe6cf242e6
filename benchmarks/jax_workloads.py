#!/usr/bin/env python3
"""The three workloads of `latent-bench workloads` in JAX (CPU, each training step under
`jax.jit`), printing the same JSON lines.

    pip install jax optax numpy
    python3 benchmarks/jax_workloads.py --threads 2 --epochs 3 --data-dir Data/mnist

The models and hyperparameters are those of benchmarks/pytorch_workloads.py, initialised as
PyTorch initialises them (uniform in +-1/sqrt(fan_in)). BatchNorm uses batch statistics (training
mode) and keeps no running averages; that bookkeeping is a few hundred scalars per step.
"""
import argparse
import gzip
import json
import math
import os
import time

import numpy as np


def load_mnist(folder, split):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz")) as f:
        data = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    return (data.reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workloads", default="W1,W2,W3")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batches", type=int, default=None, help="W1 batches per epoch (quick runs)")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--data-dir", default="Data/mnist")
    args = parser.parse_args()

    # XLA reads its flags when it starts; the affinity mask bounds every pool it creates.
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "")
                               + f" --xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={args.threads}")
    if hasattr(os, "sched_setaffinity") and args.threads < len(os.sched_getaffinity(0)):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:args.threads])
    import jax
    import jax.numpy as jnp
    import optax

    print(json.dumps({"name": "environment", "framework": f"jax {jax.__version__}",
                      "threads": args.threads, "backend": jax.default_backend()}), flush=True)
    chosen = set(args.workloads.split(","))
    train = load_mnist(args.data_dir, "train") if chosen & {"W1", "W2"} else None

    def linear(key, fan_in, fan_out):
        bound = 1 / math.sqrt(fan_in)
        k1, k2 = jax.random.split(key)
        return {"w": jax.random.uniform(k1, (fan_in, fan_out), minval=-bound, maxval=bound),
                "b": jax.random.uniform(k2, (fan_out,), minval=-bound, maxval=bound)}

    def conv(key, cin, cout, k=4):
        bound = 1 / math.sqrt(cin * k * k)
        k1, k2 = jax.random.split(key)
        return {"w": jax.random.uniform(k1, (cout, cin, k, k), minval=-bound, maxval=bound),
                "b": jax.random.uniform(k2, (cout,), minval=-bound, maxval=bound)}

    def dense(p, x):
        return x @ p["w"] + p["b"]

    if "W1" in chosen:
        test = load_mnist(args.data_dir, "test").reshape(-1, 784)
        data = train.reshape(-1, 784)
        reset_peak()
        keys = jax.random.split(jax.random.PRNGKey(1), 5)
        params = {"fc1": linear(keys[0], 784, 400), "fc21": linear(keys[1], 400, 20),
                  "fc22": linear(keys[2], 400, 20), "fc3": linear(keys[3], 20, 400),
                  "fc4": linear(keys[4], 400, 784)}

        def vae_loss(params, x, key):
            h = jax.nn.relu(dense(params["fc1"], x))
            mu, logvar = dense(params["fc21"], h), dense(params["fc22"], h)
            z = mu + jnp.exp(0.5 * logvar) * jax.random.normal(key, mu.shape)
            logits = dense(params["fc4"], jax.nn.relu(dense(params["fc3"], z)))
            bce = jnp.sum(jax.nn.softplus(logits) - x * logits)
            return bce - 0.5 * jnp.sum(1 + logvar - mu ** 2 - jnp.exp(logvar))

        optimizer = optax.adam(1e-3)
        opt_state = optimizer.init(params)

        @jax.jit
        def train_step(params, opt_state, x, key):
            loss, grads = jax.value_and_grad(vae_loss)(params, x, key)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            return optax.apply_updates(params, updates), opt_state, loss

        eval_loss = jax.jit(vae_loss)
        rng = np.random.default_rng(1)
        key = jax.random.PRNGKey(2)
        times = []
        for epoch in range(args.epochs):
            start = time.perf_counter()
            order = rng.permutation(data.shape[0])
            total = 0.0
            for i in range(0, data.shape[0] if args.batches is None else min(data.shape[0], 128 * args.batches), 128):
                key, sub = jax.random.split(key)
                params, opt_state, loss = train_step(params, opt_state, data[order[i:i + 128]], sub)
                total += float(loss)
            times.append(time.perf_counter() - start)
        test_loss = 0.0
        for i in range(0, test.shape[0], 128):
            key, sub = jax.random.split(key)
            test_loss += float(eval_loss(params, test[i:i + 128], sub))
        timed = sorted(times[1:])
        print(json.dumps({"name": "W1", "workload": "mlp-vae", "sec_per_epoch": timed[len(timed) // 2],
                          "first_epoch_sec": times[0], "epochs": args.epochs,
                          "train_loss": total / data.shape[0], "test_loss": test_loss / test.shape[0],
                          "peak_rss_mb": peak_mb()}), flush=True)

    def batch_norm(p, x):
        mean = x.mean(axis=(0, 2, 3), keepdims=True)
        var = x.var(axis=(0, 2, 3), keepdims=True)
        return (x - mean) / jnp.sqrt(var + 1e-5) * p["g"][None, :, None, None] + p["b"][None, :, None, None]

    def conv2d(p, x):
        y = jax.lax.conv_general_dilated(x, p["w"], (2, 2), [(1, 1), (1, 1)],
                                         dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return y + p["b"][None, :, None, None]

    def conv_transpose2d(p, x):
        # k4 s2 p1 transposed: dilate the input by 2 and pad by k - 1 - p = 2.
        y = jax.lax.conv_general_dilated(x, p["w"], (1, 1), [(2, 2), (2, 2)], lhs_dilation=(2, 2),
                                         dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return y + p["b"][None, :, None, None]

    if "W2" in chosen:
        reset_peak()
        real_all = train * 2 - 1
        keys = jax.random.split(jax.random.PRNGKey(3), 6)
        bn = lambda c: {"g": jnp.ones(c), "b": jnp.zeros(c)}
        gen = {"fc": linear(keys[0], 100, 128 * 7 * 7), "bn0": bn(128), "d1": conv(keys[1], 128, 64),
               "bn1": bn(64), "d2": conv(keys[2], 64, 1)}
        disc = {"c1": conv(keys[3], 1, 64), "c2": conv(keys[4], 64, 128), "bn2": bn(128),
                "fc": linear(keys[5], 128 * 7 * 7, 1)}

        def generate(g, z):
            x = jax.nn.relu(batch_norm(g["bn0"], dense(g["fc"], z).reshape(-1, 128, 7, 7)))
            x = jax.nn.relu(batch_norm(g["bn1"], conv_transpose2d(g["d1"], x)))
            return jnp.tanh(conv_transpose2d(g["d2"], x))

        def discriminate(d, x):
            x = jax.nn.leaky_relu(conv2d(d["c1"], x), 0.2)
            x = jax.nn.leaky_relu(batch_norm(d["bn2"], conv2d(d["c2"], x)), 0.2)
            return dense(d["fc"], x.reshape(x.shape[0], -1))

        bce = lambda logits, label: jnp.mean(optax.sigmoid_binary_cross_entropy(logits, label))
        optG = optax.adam(2e-4, b1=0.5, b2=0.999)
        optD = optax.adam(2e-4, b1=0.5, b2=0.999)
        stateG, stateD = optG.init(gen), optD.init(disc)

        @jax.jit
        def dcgan_step(gen, disc, stateG, stateD, real, key):
            z = jax.random.normal(key, (64, 100))
            fake = generate(gen, z)

            def loss_d(d):
                return (bce(discriminate(d, real), jnp.ones((64, 1)))
                        + bce(discriminate(d, jax.lax.stop_gradient(fake)), jnp.zeros((64, 1))))

            lossD, gradsD = jax.value_and_grad(loss_d)(disc)
            updates, stateD = optD.update(gradsD, stateD, disc)
            disc = optax.apply_updates(disc, updates)

            def loss_g(g):
                return bce(discriminate(disc, generate(g, z)), jnp.ones((64, 1)))

            lossG, gradsG = jax.value_and_grad(loss_g)(gen)
            updates, stateG = optG.update(gradsG, stateG, gen)
            return optax.apply_updates(gen, updates), disc, stateG, stateD, lossD, lossG

        rng = np.random.default_rng(3)
        order = rng.permutation(real_all.shape[0])
        key = jax.random.PRNGKey(4)
        start = time.perf_counter()
        for step in range(args.warmup + args.steps):
            if step == args.warmup:
                jax.block_until_ready(gen)
                start = time.perf_counter()
            i = (step * 64) % (real_all.shape[0] - 64)
            key, sub = jax.random.split(key)
            gen, disc, stateG, stateD, lossD, lossG = dcgan_step(
                gen, disc, stateG, stateD, real_all[order[i:i + 64]], sub)
        jax.block_until_ready(gen)
        seconds = time.perf_counter() - start
        print(json.dumps({"name": "W2", "workload": "dcgan-mnist", "steps_per_sec": args.steps / seconds,
                          "steps": args.steps, "loss_d": float(lossD), "loss_g": float(lossG),
                          "peak_rss_mb": peak_mb()}), flush=True)

    if "W3" in chosen:
        reset_peak()
        keys = jax.random.split(jax.random.PRNGKey(5), 8)
        sizes = [2, 512, 512, 512]
        gen = [linear(keys[i], sizes[i], 2 if i == 3 else sizes[i + 1]) for i in range(4)]
        critic = [linear(keys[4 + i], sizes[i], 1 if i == 3 else sizes[i + 1]) for i in range(4)]

        def mlp(layers, x):
            for layer in layers[:-1]:
                x = jax.nn.relu(dense(layer, x))
            return dense(layers[-1], x)

        def ring(key, count):
            k1, k2 = jax.random.split(key)
            angles = 2 * jnp.pi * jax.random.randint(k1, (count,), 0, 8) / 8
            centres = jnp.stack([2 * jnp.cos(angles), 2 * jnp.sin(angles)], axis=1)
            return centres + 0.02 * jax.random.normal(k2, (count, 2))

        optG = optax.adam(1e-4, b1=0.5, b2=0.9)
        optD = optax.adam(1e-4, b1=0.5, b2=0.9)
        stateG, stateD = optG.init(gen), optD.init(critic)

        @jax.jit
        def critic_step(gen, critic, stateD, key):
            k1, k2, k3 = jax.random.split(key, 3)
            real = ring(k1, 256)
            fake = mlp(gen, jax.random.normal(k2, (256, 2)))
            alpha = jax.random.uniform(k3, (256, 1))
            interpolated = alpha * real + (1 - alpha) * fake

            def loss(c):
                grad = jax.grad(lambda x: mlp(c, x).sum())(interpolated)
                penalty = jnp.mean((jnp.sqrt(jnp.sum(grad ** 2, axis=1) + 1e-12) - 1) ** 2)
                return mlp(c, fake).mean() - mlp(c, real).mean() + 10 * penalty

            value, grads = jax.value_and_grad(loss)(critic)
            updates, stateD = optD.update(grads, stateD, critic)
            return optax.apply_updates(critic, updates), stateD, value

        @jax.jit
        def generator_step(gen, critic, stateG, key):
            z = jax.random.normal(key, (256, 2))
            value, grads = jax.value_and_grad(lambda g: -mlp(critic, mlp(g, z)).mean())(gen)
            updates, stateG = optG.update(grads, stateG, gen)
            return optax.apply_updates(gen, updates), stateG, value

        key = jax.random.PRNGKey(6)
        start = time.perf_counter()
        for step in range(args.warmup + args.steps):
            if step == args.warmup:
                jax.block_until_ready(gen)
                start = time.perf_counter()
            for _ in range(5):
                key, sub = jax.random.split(key)
                critic, stateD, lossD = critic_step(gen, critic, stateD, sub)
            key, sub = jax.random.split(key)
            gen, stateG, lossG = generator_step(gen, critic, stateG, sub)
        jax.block_until_ready(gen)
        seconds = time.perf_counter() - start
        print(json.dumps({"name": "W3", "workload": "wgan-gp-ring8",
                          "generator_steps_per_sec": args.steps / seconds, "steps": args.steps,
                          "critic_loss": float(lossD), "generator_loss": float(lossG),
                          "peak_rss_mb": peak_mb()}), flush=True)


if __name__ == "__main__":
    main()
