#!/usr/bin/env python3
"""The PyTorch side of the kit's training-speed comparison (README, "Speed").

A measuring instrument for maintainers, not part of the kit: it needs PyTorch, which the
kit never uses. It trains the same character-level language model as
`rnnkit bench train --text FILE`:

Model: nn.Embedding(V, E) -> one recurrent layer (RNN tanh / GRU / LSTM, batch_first)
       -> nn.Linear(H, V) -> mean cross-entropy over all B*T predictions.
Training: the text cut into B contiguous streams, each update reads the next T tokens of
every stream, the state is carried (detached) between updates, Adam(lr=0.002),
gradients clipped to global norm 5.
Timing: per run, 10 untimed updates, then --steps timed ones (time.perf_counter);
tokens/s = batch*seq*steps/seconds; the median over --repeats runs. One thread.
--no-onednn turns off PyTorch's oneDNN (mkldnn) backend: on the CPU it runs a float32 LSTM
as one fused kernel over the whole sequence; without it the LSTM takes the same
step-by-step path as every other case.

    python3 pytorch_char_rnn.py --data input.txt --cell lstm --dtype float64
"""
import argparse
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

WARMUP_STEPS = 10


class CharRNN(nn.Module):
    def __init__(self, cell, vocab, embedding, hidden):
        super().__init__()
        self.cell = cell
        self.embed = nn.Embedding(vocab, embedding)
        if cell == "elman":
            self.rnn = nn.RNN(embedding, hidden, num_layers=1, nonlinearity="tanh", batch_first=True)
        elif cell == "gru":
            self.rnn = nn.GRU(embedding, hidden, num_layers=1, batch_first=True)
        elif cell == "lstm":
            self.rnn = nn.LSTM(embedding, hidden, num_layers=1, batch_first=True)
        else:
            raise ValueError(cell)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x, state):
        h, state = self.rnn(self.embed(x), state)
        return self.out(h), state


def detach_state(state):
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def make_streams(ids, batch):
    """Cut the training text into `batch` contiguous streams -> (B, L) tensor."""
    L = len(ids) // batch
    return ids[: L * batch].view(batch, L)


def one_run(args, streams, vocab, dtype):
    torch.manual_seed(args.seed)
    model = CharRNN(args.cell, vocab, args.embedding, args.hidden).to(dtype)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    B, L = streams.shape
    T = args.seq
    pos = 0
    state = None
    losses = []

    def step():
        nonlocal pos, state
        if pos + T + 1 > L:  # wrap around: restart streams and reset state
            pos = 0
            state = None
        x = streams[:, pos : pos + T]
        y = streams[:, pos + 1 : pos + T + 1]
        pos += T
        logits, new_state = model(x, state)
        loss = F.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        state = detach_state(new_state)
        return loss

    for _ in range(WARMUP_STEPS):
        step()
    t0 = time.perf_counter()
    for i in range(args.steps):
        loss = step()
        if i == args.steps - 1:
            losses.append(loss.item())
    secs = time.perf_counter() - t0
    return B * T * args.steps / secs, secs, losses[-1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="a UTF-8 text file (Tiny Shakespeare in the README)")
    p.add_argument("--cell", choices=["elman", "gru", "lstm"], default="lstm")
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--embedding", type=int, default=128)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--lr", type=float, default=0.002)
    p.add_argument("--clip", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--train-fraction", type=float, default=0.9)
    p.add_argument("--peak-memory", action="store_true")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--no-onednn", action="store_true",
                   help="turn off the oneDNN backend (the fused float32 LSTM kernel)")
    args = p.parse_args()

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    if args.no_onednn:
        torch.backends.mkldnn.enabled = False
    dtype = {"float64": torch.float64, "float32": torch.float32}[args.dtype]

    text = open(args.data, encoding="utf-8").read()
    chars = sorted(set(text))
    vocab = len(chars)
    stoi = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    ids = ids[: int(len(ids) * args.train_fraction)]
    streams = make_streams(ids, args.batch)

    rates = []
    for r in range(args.repeats):
        tps, secs, loss = one_run(args, streams, vocab, dtype)
        rates.append(tps)
        if args.verbose:
            print(f"# run={r} tokens_per_s={tps:.0f} seconds={secs:.3f} last_loss={loss:.4f}",
                  file=sys.stderr, flush=True)

    line = (f"cell={args.cell} dtype={args.dtype} hidden={args.hidden} embedding={args.embedding} "
            f"batch={args.batch} seq={args.seq} steps={args.steps} repeats={args.repeats} "
            f"tokens_per_s={statistics.median(rates):.0f} "
            f"min={min(rates):.0f} max={max(rates):.0f} vocab={vocab} threads={torch.get_num_threads()} "
            f"onednn={'on' if torch.backends.mkldnn.enabled else 'off'}")
    if args.peak_memory:
        line += f" peak_rss_mib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}"
    print(line, flush=True)


if __name__ == "__main__":
    main()
