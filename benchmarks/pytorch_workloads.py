#!/usr/bin/env python3
"""The three workloads of `latent-bench workloads` in PyTorch (CPU), printing the same JSON lines.

    pip install torch numpy
    python3 benchmarks/pytorch_workloads.py --threads 2 --epochs 3 --data-dir Data/mnist

W1: PyTorch's examples/vae (784-400-(20,20), 20-400-784, sigmoid, BCE summed + KL, Adam 1e-3,
batch 128). W2: a DCGAN step on MNIST (batch 64, Adam 2e-4, betas (0.5, 0.999)). W3: WGAN-GP on
the 8-Gaussian ring (MLPs 2-512-512-512, lambda 10, 5 critic steps, Adam 1e-4, (0.5, 0.9), batch
256). W4 (only when named in --workloads): the convolutional VAE of `latent train vae
--architecture conv` (convolutions 1-32-64, kernel 4, stride 2; 3136-400-(20,20) and back;
transposed convolutions; BCE with logits summed + KL, averaged over the batch; Adam 1e-3,
batch 128). Peak memory is the process's VmHWM, reset before each workload.
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


def ring_sample(rng, count):
    angles = 2 * math.pi * rng.integers(0, 8, size=count) / 8
    centres = np.stack([2 * np.cos(angles), 2 * np.sin(angles)], axis=1)
    return (centres + 0.02 * rng.standard_normal((count, 2))).astype(np.float32)


def report_vae(name, workload, model, loss_sums, train, test, args):
    """Trains `model` with Adam 1e-3 in batches of 128 for args.epochs epochs (of args.batches
    batches when given) and prints the workload's JSON line. `loss_sums(x)` returns the loss to
    minimise and the batch's summed loss; the reported losses are per example."""
    import torch  # imported in main, after the thread settings

    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    times = []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(train.shape[0])
        total, seen = 0.0, 0
        end = train.shape[0] if args.batches is None else min(train.shape[0], 128 * args.batches)
        for i in range(0, end, 128):
            x = train[order[i:i + 128]]
            optimizer.zero_grad()
            loss, summed = loss_sums(x)
            loss.backward()
            total += summed.item()
            seen += x.shape[0]
            optimizer.step()
        times.append(time.perf_counter() - start)
    test_loss = 0.0
    with torch.no_grad():
        for i in range(0, test.shape[0], 128):
            test_loss += loss_sums(test[i:i + 128])[1].item()
    timed = sorted(times[1:])
    print(json.dumps({"name": name, "workload": workload, "sec_per_epoch": timed[len(timed) // 2],
                      "first_epoch_sec": times[0], "epochs": args.epochs,
                      "train_loss": total / seen, "test_loss": test_loss / test.shape[0],
                      "peak_rss_mb": peak_mb()}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workloads", default="W1,W2,W3")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batches", type=int, default=None, help="W1 and W4 batches per epoch (quick runs)")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--data-dir", default="Data/mnist")
    args = parser.parse_args()

    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    print(json.dumps({"name": "environment", "framework": f"pytorch {torch.__version__}",
                      "threads": torch.get_num_threads(),
                      "blas": torch.__config__.show().split("BLAS_INFO=")[-1].split(",")[0]
                      if "BLAS_INFO=" in torch.__config__.show() else "unknown"}), flush=True)
    chosen = set(args.workloads.split(","))
    train = load_mnist(args.data_dir, "train") if chosen & {"W1", "W2"} else None

    if "W1" in chosen:
        test = torch.from_numpy(load_mnist(args.data_dir, "test")).view(-1, 784)
        data = torch.from_numpy(train).view(-1, 784)
        reset_peak()

        class VAE(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(784, 400)
                self.fc21 = nn.Linear(400, 20)
                self.fc22 = nn.Linear(400, 20)
                self.fc3 = nn.Linear(20, 400)
                self.fc4 = nn.Linear(400, 784)

            def forward(self, x):
                h1 = F.relu(self.fc1(x))
                mu, logvar = self.fc21(h1), self.fc22(h1)
                z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
                return torch.sigmoid(self.fc4(F.relu(self.fc3(z)))), mu, logvar

        def loss_function(recon, x, mu, logvar):
            bce = F.binary_cross_entropy(recon, x, reduction="sum")
            return bce - 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())

        def loss_sums(x):
            recon, mu, logvar = model(x)
            loss = loss_function(recon, x, mu, logvar)
            return loss, loss

        model = VAE()
        report_vae("W1", "mlp-vae", model, loss_sums, data, test, args)

    if "W2" in chosen:
        reset_peak()
        real_all = torch.from_numpy(train) * 2 - 1
        netG = nn.Sequential(
            nn.Linear(100, 128 * 7 * 7), nn.Unflatten(1, (128, 7, 7)), nn.BatchNorm2d(128), nn.ReLU(),
            nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())
        netD = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
        optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
        optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
        criterion = nn.BCEWithLogitsLoss()
        ones, zeros = torch.ones(64, 1), torch.zeros(64, 1)
        order = torch.randperm(real_all.shape[0])
        start = time.perf_counter()
        for step in range(args.warmup + args.steps):
            if step == args.warmup:
                start = time.perf_counter()
            i = (step * 64) % (real_all.shape[0] - 64)
            real = real_all[order[i:i + 64]]
            fake = netG(torch.randn(64, 100))
            optD.zero_grad()
            lossD = criterion(netD(real), ones) + criterion(netD(fake.detach()), zeros)
            lossD.backward()
            optD.step()
            optG.zero_grad()
            lossG = criterion(netD(fake), ones)
            lossG.backward()
            optG.step()
        seconds = time.perf_counter() - start
        print(json.dumps({"name": "W2", "workload": "dcgan-mnist", "steps_per_sec": args.steps / seconds,
                          "steps": args.steps, "loss_d": lossD.item(), "loss_g": lossG.item(),
                          "peak_rss_mb": peak_mb()}), flush=True)

    if "W3" in chosen:
        reset_peak()
        rng = np.random.default_rng(6)

        def mlp(out):
            return nn.Sequential(nn.Linear(2, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                                 nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, out))

        netG, netD = mlp(2), mlp(1)
        optG = torch.optim.Adam(netG.parameters(), lr=1e-4, betas=(0.5, 0.9))
        optD = torch.optim.Adam(netD.parameters(), lr=1e-4, betas=(0.5, 0.9))
        start = time.perf_counter()
        for step in range(args.warmup + args.steps):
            if step == args.warmup:
                start = time.perf_counter()
            for _ in range(5):
                real = torch.from_numpy(ring_sample(rng, 256))
                with torch.no_grad():
                    fake = netG(torch.randn(256, 2))
                alpha = torch.rand(256, 1)
                interpolated = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
                grad, = torch.autograd.grad(netD(interpolated).sum(), interpolated, create_graph=True)
                penalty = ((torch.sqrt(grad.pow(2).sum(1) + 1e-12) - 1) ** 2).mean()
                lossD = netD(fake).mean() - netD(real).mean() + 10 * penalty
                optD.zero_grad()
                lossD.backward()
                optD.step()
            lossG = -netD(netG(torch.randn(256, 2))).mean()
            optG.zero_grad()
            lossG.backward()
            optG.step()
        seconds = time.perf_counter() - start
        print(json.dumps({"name": "W3", "workload": "wgan-gp-ring8",
                          "generator_steps_per_sec": args.steps / seconds, "steps": args.steps,
                          "critic_loss": lossD.item(), "generator_loss": lossG.item(),
                          "peak_rss_mb": peak_mb()}), flush=True)

    if "W4" in chosen:
        train4 = torch.from_numpy(train if train is not None else load_mnist(args.data_dir, "train"))
        test4 = torch.from_numpy(load_mnist(args.data_dir, "test"))
        reset_peak()

        class ConvVAE(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 32, 4, 2, 1)
                self.conv2 = nn.Conv2d(32, 64, 4, 2, 1)
                self.fc1 = nn.Linear(3136, 400)
                self.fc2 = nn.Linear(400, 40)
                self.fc3 = nn.Linear(20, 400)
                self.fc4 = nn.Linear(400, 3136)
                self.deconv1 = nn.ConvTranspose2d(64, 32, 4, 2, 1)
                self.deconv2 = nn.ConvTranspose2d(32, 1, 4, 2, 1)

            def forward(self, x):
                h = F.relu(self.conv2(F.relu(self.conv1(x)))).flatten(1)
                mu, logvar = self.fc2(F.relu(self.fc1(h))).chunk(2, dim=1)
                z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
                h = F.relu(self.fc4(F.relu(self.fc3(z)))).view(-1, 64, 7, 7)
                return self.deconv2(F.relu(self.deconv1(h))), mu, logvar

        def conv_loss(logits, x, mu, logvar):
            bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
            return (bce - 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())) / x.shape[0]

        def conv_loss_sums(x):
            logits, mu, logvar = model(x)
            loss = conv_loss(logits, x, mu, logvar)
            return loss, loss * x.shape[0]

        model = ConvVAE()
        report_vae("W4", "conv-vae", model, conv_loss_sums, train4, test4, args)

if __name__ == "__main__":
    main()
