#!/usr/bin/env python3
"""Reference values for Tests/LatentOptimizersTests/OptimizerReferenceTests.swift.

PyTorch is not installed here, so each update rule is re-implemented in numpy (float64) line by
line from PyTorch 2.x's single-tensor code paths, cited beside each function:
  torch/optim/sgd.py      _single_tensor_sgd
  torch/optim/adam.py     _single_tensor_adam   (amsgrad=False, maximize=False)
  torch/optim/adamw.py    AdamW = Adam with decoupled_weight_decay: param.mul_(1 - lr * wd) first
  torch/optim/rmsprop.py  _single_tensor_rmsprop
Run `python3 scripts/reference/optimizers.py` and paste its output into the test file.
"""
import numpy as np

P0 = np.array([0.5, -1.0, 2.0, 0.0])
GRADIENTS = [
    np.array([0.1, -0.2, 0.3, -0.4]),
    np.array([-0.5, 0.25, 0.0, 1.5]),
    np.array([0.3, 0.3, -0.7, 0.05]),
]


def sgd(lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    p, buf, out = P0.copy(), None, []
    for g in GRADIENTS:
        d = g + weight_decay * p if weight_decay != 0 else g.copy()   # d_p = d_p.add(param, alpha=wd)
        if momentum != 0:
            if buf is None:
                buf = d.copy()                                          # torch.clone(d_p).detach()
            else:
                buf = momentum * buf + (1 - dampening) * d              # buf.mul_(m).add_(d_p, alpha=1-damp)
            d = d + momentum * buf if nesterov else buf                 # d_p.add(buf, alpha=m) / buf
        p = p - lr * d                                                  # param.add_(d_p, alpha=-lr)
        out.append(p.copy())
    return out


def adam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled=False):
    p, m, v, out = P0.copy(), np.zeros(4), np.zeros(4), []
    for step, g in enumerate(GRADIENTS, start=1):
        if decoupled:
            p = p * (1 - lr * weight_decay)                             # AdamW: param.mul_(1 - lr*wd)
        elif weight_decay != 0:
            g = g + weight_decay * p                                    # grad = grad.add(param, alpha=wd)
        m = m + (1 - beta1) * (g - m)                                   # exp_avg.lerp_(grad, 1 - beta1)
        v = beta2 * v + (1 - beta2) * g * g                             # exp_avg_sq.mul_(b2).addcmul_(g, g, 1-b2)
        step_size = lr / (1 - beta1 ** step)                            # lr / bias_correction1
        denom = np.sqrt(v) / np.sqrt(1 - beta2 ** step) + eps           # (sqrt(v) / sqrt(bc2)).add_(eps)
        p = p - step_size * m / denom                                   # param.addcdiv_(m, denom, -step_size)
        out.append(p.copy())
    return out


def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    p, s, a, b, out = P0.copy(), np.zeros(4), np.zeros(4), np.zeros(4), []
    for g in GRADIENTS:
        if weight_decay != 0:
            g = g + weight_decay * p                                    # grad.add(param, alpha=wd)
        s = alpha * s + (1 - alpha) * g * g                             # square_avg.mul_(a).addcmul_(g, g, 1-a)
        if centered:
            a = a + (1 - alpha) * (g - a)                               # grad_avg.lerp_(grad, 1 - alpha)
            avg = np.sqrt(s - a * a) + eps                              # addcmul(ga, ga, -1).sqrt_().add_(eps)
        else:
            avg = np.sqrt(s) + eps                                      # square_avg.sqrt().add_(eps)
        if momentum > 0:
            b = momentum * b + g / avg                                  # buf.mul_(m).addcdiv_(grad, avg)
            p = p - lr * b                                              # param.add_(buf, alpha=-lr)
        else:
            p = p - lr * g / avg                                        # param.addcdiv_(grad, avg, -lr)
        out.append(p.copy())
    return out


CASES = {
    "sgdPlain": sgd(lr=0.1),
    "sgdMomentum": sgd(lr=0.1, momentum=0.9),
    "sgdNesterovWeightDecay": sgd(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "sgdDampenedWeightDecay": sgd(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.1),
    "adamDefaults": adam(lr=0.01),
    "adamWeightDecayBetas": adam(lr=0.01, beta1=0.5, beta2=0.9, eps=1e-6, weight_decay=0.1),
    "adamW": adam(lr=0.01, weight_decay=0.1, decoupled=True),
    "rmsprop": rmsprop(lr=0.01),
    "rmspropCenteredMomentumWeightDecay": rmsprop(
        lr=0.01, alpha=0.9, momentum=0.9, centered=True, weight_decay=0.1),
}

if __name__ == "__main__":
    for name, steps in CASES.items():
        rows = ",\n".join(
            "        [" + ", ".join(f"{x:.9g}" for x in step) + "]" for step in steps)
        print(f"    static let {name}: [[Float]] = [\n{rows},\n    ]")
