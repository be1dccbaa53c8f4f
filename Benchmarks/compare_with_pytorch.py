#!/usr/bin/env python3
"""Measures the kit and PyTorch side by side and prints the README's speed table.

For each configuration and cell it runs, one after the other on an otherwise idle machine,
`rnnkit bench train` (the kit, one thread, Double) and `pytorch_char_rnn.py` in float64 and
float32, on the same text, and prints a Markdown table with the ratios. For the LSTM it also
measures float32 with PyTorch's oneDNN backend turned off: oneDNN runs a float32 LSTM (and
only that case) as one fused kernel over the whole sequence; the last two columns compare
the kit with PyTorch's step-by-step float32 path (the same path as in the other rows). A maintainer's
instrument: it needs PyTorch (for example in a virtual environment outside the kit).

    RNNKIT_SOLUTIONS=1 swift build --product rnnkit
    python3 Benchmarks/compare_with_pytorch.py --data input.txt \\
        --rnnkit .build/debug/rnnkit --python venv/bin/python
"""
import argparse
import os
import re
import subprocess
import sys

CONFIGURATIONS = [
    # label, hidden, embedding, batch, sequence, timed updates
    ("realistic", 128, 128, 32, 64, 200),
    ("course", 32, 32, 1, 25, 2000),
]
CELLS = ["elman", "gru", "lstm"]


def kit_rate(args, cell, hidden, embedding, batch, seq, steps):
    command = [
        args.rnnkit, "bench", "train", "--text", args.data, "--models", cell,
        "--hidden", str(hidden), "--embedding", str(embedding), "--batch", str(batch),
        "--seq", str(seq), "--steps", str(steps), "--repetitions", str(args.repeats),
    ]
    env = dict(os.environ, RNNKIT_SOLUTIONS="1")
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    row = [line for line in output.splitlines() if line.startswith("custom:")][-1]
    fields = row.split()
    # "custom: H 128, E 128, B 32, T 64  lstm  28,778  71.17  53.0  (23.4)  148,289"
    return float(fields[10].replace(",", "")), float(fields[12]), row


def torch_rate(args, cell, dtype, hidden, embedding, batch, seq, steps, onednn=True):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch_char_rnn.py")
    command = [
        args.python, script, "--data", args.data, "--cell", cell, "--dtype", dtype,
        "--hidden", str(hidden), "--embedding", str(embedding), "--batch", str(batch),
        "--seq", str(seq), "--steps", str(steps), "--repeats", str(args.repeats),
        "--peak-memory",
    ] + ([] if onednn else ["--no-onednn"])
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return float(re.search(r"tokens_per_s=(\d+)", output).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="UTF-8 text (Tiny Shakespeare)")
    parser.add_argument("--rnnkit", default=".build/debug/rnnkit")
    parser.add_argument("--python", default=sys.executable, help="a Python with PyTorch")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    print("| configuration | cell | kit tokens/s | kit peak MiB | PyTorch fp64 | kit / fp64 "
          "| PyTorch fp32 | kit / fp32 | PyTorch fp32, oneDNN off | kit / that |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, hidden, embedding, batch, seq, steps in CONFIGURATIONS:
        for cell in CELLS:
            shape = (hidden, embedding, batch, seq, steps)
            kit, peak, _ = kit_rate(args, cell, *shape)
            fp64 = torch_rate(args, cell, "float64", *shape)
            fp32 = torch_rate(args, cell, "float32", *shape)
            if cell == "lstm":
                plain = torch_rate(args, cell, "float32", *shape, onednn=False)
                unfused = f"{plain:,.0f} | {kit / plain:.2f}"
            else:
                unfused = "(same path) | -"
            print(
                f"| {label}: H {hidden}, E {embedding}, B {batch}, T {seq} | {cell} "
                f"| {kit:,.0f} | {peak:.1f} | {fp64:,.0f} | {kit / fp64:.2f} "
                f"| {fp32:,.0f} | {kit / fp32:.2f} | {unfused} |",
                flush=True)


if __name__ == "__main__":
    main()
