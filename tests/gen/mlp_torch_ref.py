#!/usr/bin/python3
"""Writes tests/ref/mlp_torch_ref.bin (a safetensors file; named .bin because *.safetensors is
git-ignored): PyTorch 1.13 (Debian python3-torch) reference values
for tests/test_mlp.c — forward pass, loss, every gradient and the parameters after one Adam step,
for each scalar activation, in float64.

Network: nn.Sequential(Linear(3, 5), Act, Linear(5, 4), Act, Linear(4, 2)) held as `layers`
(state_dict names layers.0.weight, layers.0.bias, layers.2.weight, ...), MSELoss (mean); and a
classifier Linear(3, 5), Tanh, Linear(5, 3) with CrossEntropyLoss (mean). Adam: lr 0.01, betas
(0.9, 0.999), eps 1e-8, no weight decay. Tensor names: "<case>/<state_dict name>" (initial
parameters), "<case>/x" (6, 3), "<case>/y" (6, 2) or (6, 1) labels, "<case>/out", "<case>/loss" (1,),
"<case>/grad/<name>", "<case>/adam/<name>".

Run: /usr/bin/python3 tests/gen/mlp_torch_ref.py   (uses the system python, which has torch)
"""
import json
import os
import struct

import torch
from torch import nn

torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)


class Sin(nn.Module):
    def forward(self, x):
        return torch.sin(x)


ACTS = {
    "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01), "gelu": nn.GELU,
    "gelu_tanh": lambda: nn.GELU(approximate="tanh"), "silu": nn.SiLU, "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid, "softplus": nn.Softplus, "sin": Sin,
}


class Net(nn.Module):
    def __init__(self, dims, act):
        super().__init__()
        mods = []
        for i in range(len(dims) - 1):
            mods.append(nn.Linear(dims[i], dims[i + 1]))
            if i + 2 < len(dims):
                mods.append(act())
        self.layers = nn.Sequential(*mods)

    def forward(self, x):
        return self.layers(x)


tensors = {}


def case(name, dims, act, classify):
    net = Net(dims, act)
    x = torch.randn(6, dims[0]) * 1.5
    for k, v in net.state_dict().items():
        tensors[f"{name}/{k}"] = v.clone()
    if classify:
        y = torch.tensor([0, 2, 1, 1, 0, 2])
        out = net(x)
        loss = nn.CrossEntropyLoss()(out, y)
        tensors[f"{name}/y"] = y.to(torch.float64).reshape(6, 1)
    else:
        y = torch.randn(6, dims[-1])
        out = net(x)
        loss = nn.MSELoss()(out, y)
        tensors[f"{name}/y"] = y
    tensors[f"{name}/x"] = x
    tensors[f"{name}/out"] = out.detach().clone()
    tensors[f"{name}/loss"] = loss.detach().reshape(1)
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    opt.zero_grad()
    loss.backward()
    for k, p in net.named_parameters():
        tensors[f"{name}/grad/{k}"] = p.grad.detach().clone()
    opt.step()
    for k, v in net.state_dict().items():
        tensors[f"{name}/adam/{k}"] = v.clone()


for a, f in ACTS.items():
    case(a, [3, 5, 4, 2], f, False)
case("classify", [3, 5, 3], nn.Tanh, True)

# safetensors writer (the format of docs/model-file.md): F64, little-endian, header padded to 8 bytes
header, blobs, off = {}, [], 0
for k in sorted(tensors):
    t = tensors[k].contiguous()
    b = t.numpy().astype("<f8").tobytes()
    header[k] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
header["__metadata__"] = {"generator": "tests/gen/mlp_torch_ref.py", "torch": torch.__version__}
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * (-len(h) % 8)
path = os.path.join(os.path.dirname(__file__), "..", "ref", "mlp_torch_ref.bin")
with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
print(f"wrote {path}: {len(tensors)} tensors, torch {torch.__version__}")
