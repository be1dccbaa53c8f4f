import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import protocol RNNTraining.RecurrentCell
import struct Unit02.ElmanCell
import struct Unit02.RNNLanguageModel
import enum Unit02.RecurrentActivation
import enum Unit02.Sampler
import enum Unit02.SequenceLoss
import protocol Unit02.TokenPredictor

/// Hidden tests of unit 02 (the Elman language model). They check the Elman step on a single
/// sequence with a wide input and on a batch wider than the hidden layer, for every activation;
/// the language model's forward pass with one sequence of six steps and with three sequences of
/// one step, against a test-local reference built on the test's own cell; the loss and
/// perplexity for one sequence, for one step, at logits of ±900 and with row maxima near
/// +1000 and -200 in the same step, against a test-local log-sum-exp; and the sampler at a vanishing temperature, where it must follow the greedy
/// chain (skipping `<unk>`, stopping at the end token without emitting it, reading the prompt in
/// order and passing the predictor's state along), and at temperature 1, where it must not be
/// greedy and must never emit `<unk>`.
final class Unit02HiddenTests: XCTestCase {
  func testElmanStepOnOneWideInputAndOnAWideBatch() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(2201))
      for (batch, inputs, hidden) in [(1, 6, 3), (5, 2, 3)] {
        let whh = Matrix.gaussian(hidden, hidden, std: 0.8, rng: &rng)
        let whx = Matrix.gaussian(hidden, inputs, std: 0.8, rng: &rng)
        let b = Matrix.gaussian(1, hidden, std: 0.5, rng: &rng)
        let x = Matrix.gaussian(batch, inputs, rng: &rng)
        let h = Matrix.uniform(batch, hidden, low: -1, high: 1, rng: &rng)
        for activation in RecurrentActivation.allCases {
          let cell = ElmanCell(
            recurrentWeight: whh, inputWeight: whx, bias: b, activation: activation)
          let (state, cache) = cell.forward(x, state: h)
          let reference = referenceElmanStep(
            x: x, h: h, whh: whh, whx: whx, b: b, activation: activation)
          let label = "B = \(batch), E = \(inputs), H = \(hidden), \(activation)"
          assertClose(state, reference.h, tolerance: 1e-12, "h_t (\(label))")
          assertClose(cache.preActivation, reference.z, tolerance: 1e-12, "z_t (\(label))")
          assertClose(cache.input, x, tolerance: 0, "cache.input (\(label))")
          assertClose(cache.previous, h, tolerance: 0, "cache.previous (\(label))")
          assertClose(cache.output, reference.h, tolerance: 1e-12, "cache.output (\(label))")
        }
      }
    }
  }

  func testLanguageModelForwardForOneLongSequenceAndManyOneStepSequences() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(2202))
      let cell = LocalElmanCell(
        whh: .gaussian(3, 3, std: 0.9, rng: &rng), whx: .gaussian(3, 2, std: 0.9, rng: &rng),
        b: .gaussian(1, 3, std: 0.3, rng: &rng))
      let model = RNNLanguageModel(
        embedding: .gaussian(7, 2, rng: &rng), cell: cell, outputWeight: .gaussian(7, 3, rng: &rng),
        outputBias: .gaussian(1, 7, std: 0.5, rng: &rng))
      let cases: [[[Int]]] = [[[6, 0, 3, 3, 5, 1]], [[2], [6], [2]]]
      for inputs in cases {
        let h0 = Matrix.uniform(inputs.count, 3, low: -0.7, high: 0.7, rng: &rng)
        let pass = model.forward(inputs, initialState: h0)
        let steps = inputs[0].count
        let label = "B = \(inputs.count), T = \(steps)"
        assertEqual(pass.logits.count, steps, "\(label): one matrix of logits per step")
        assertEqual(pass.states.count, steps, "\(label): one state per step")
        guard pass.logits.count == steps, pass.states.count == steps else { continue }
        var h = h0
        for t in 0..<steps {
          var x = Matrix.zeros(inputs.count, 2)
          for b in 0..<inputs.count { x.setRow(b, model.embedding.row(inputs[b][t])) }
          h = referenceElmanStep(x: x, h: h, whh: cell.whh, whx: cell.whx, b: cell.b).h
          let logits = Matrix(rows: inputs.count, cols: 7) { b, v in
            var s = model.outputBias[0, v]
            for j in 0..<3 { s += h[b, j] * model.outputWeight[v, j] }
            return s
          }
          assertClose(pass.states[t], h, tolerance: 1e-12, "\(label): states[\(t)]")
          assertClose(pass.logits[t], logits, tolerance: 1e-12, "\(label): logits[\(t)]")
        }
        assertClose(pass.finalState, h, tolerance: 1e-12, "\(label): finalState")
      }
    }
  }

  func testLossAndPerplexityForOneSequenceAndForOneStep() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(2203))
      // B = 1, T = 5, V = 9 and B = 4, T = 1, V = 3, with logits up to about ±15; then
      // B = 2, T = 1 with logits of ±900 (a loss of 1175: log(softmax) would underflow).
      let cases: [(logits: [Matrix], targets: [[Int]])] = [
        ((0..<5).map { _ in Matrix.gaussian(1, 9, std: 5, rng: &rng) }, [[8, 0, 4, 4, 1]]),
        ([Matrix.gaussian(4, 3, std: 5, rng: &rng)], [[2], [0], [1], [2]]),
        ([Matrix([[900, -50, 0.5], [-700, 700, 3]])], [[1], [0]]),
        // B = 3, T = 2 with row maxima near +1000, -200 and 0 in each step: one maximum for
        // the whole batch would underflow the row near -200.
        (
          (0..<2).map { _ in
            let noise = Matrix.gaussian(3, 5, std: 4, rng: &rng)
            return Matrix(rows: 3, cols: 5) { r, c in [1000.0, -200, 0][r] + noise[r, c] }
          }, [[4, 0], [1, 1], [3, 2]]
        ),
      ]
      for (logits, targets) in cases {
        var total = 0.0
        for (t, step) in logits.enumerated() {
          for b in 0..<step.rows {
            let row = step.row(b)
            let top = row.max() ?? 0
            total += top + log(row.reduce(0) { $0 + exp($1 - top) }) - row[targets[b][t]]
          }
        }
        let expected = total / Double(logits.count * targets.count)
        let label = "B = \(targets.count), T = \(logits.count)"
        let loss = SequenceLoss.meanCrossEntropy(logits: logits, targets: targets)
        assertFinite(loss, "\(label): mean cross-entropy")
        assertClose(loss, expected, tolerance: 1e-12, "\(label): mean cross-entropy")
        if expected < 50 {
          assertClose(
            SequenceLoss.perplexity(meanCrossEntropy: expected), exp(expected), tolerance: 1e-12,
            "\(label): perplexity")
        }
      }
      assertClose(
        SequenceLoss.perplexity(meanCrossEntropy: log(37.0)), 37, tolerance: 1e-12,
        "perplexity of a uniform guess over 37 tokens")
    }
  }

  func testVanishingTemperatureFollowsTheGreedyChain() throws {
    try exercise {
      // Token 0 is <unk>, the second most likely token after 1 and 4 (never the most likely:
      // at a vanishing temperature a sampler that literally redraws would then loop forever);
      // token 5 ends a sample.
      let table: [[Double]] = [
        [0.0, 1.0, 2.0, 0.5, -1.0, 0.0],
        [2.4, 0.0, 1.0, 2.5, 0.1, -2.0],
        [0.2, 0.1, 0.0, -1.0, 1.4, 0.3],
        [1.0, 0.9, 0.0, 0.0, -3.0, 2.0],
        [1.2, 0.5, 1.5, 1.0, 0.0, -1.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
      ]
      let model = LastTokenPredictor(table: table)
      var rng = RandomSource(seed: gradingSeed(2204))
      // Greedy: 2 → 4 → 2 → 4 ..., and from 1: 3 → 5 (the end).
      let cycle = Sampler.generate(
        from: model, prompt: [2],
        options: .init(temperature: 1e-4, maximumLength: 7, endToken: 5, unknownToken: 0),
        rng: &rng)
      assertEqual(cycle, [4, 2, 4, 2, 4, 2, 4], "greedy chain from prompt [2]")
      let ended = Sampler.generate(
        from: model, prompt: [4, 1],
        options: .init(temperature: 1e-4, maximumLength: 50, endToken: 5, unknownToken: 0),
        rng: &rng)
      assertEqual(ended, [3], "greedy chain from prompt [4, 1]: 3, then the end token 5")
      // A predictor whose state counts the tokens read: the prompt must be read in order from
      // the initial state, and every sampled token read in the state the last call returned.
      let counting = Sampler.generate(
        from: CountingPredictor(), prompt: [2, 4],
        options: .init(temperature: 1e-4, maximumLength: 8),
        rng: &rng)
      var (read, last) = (2, 4)
      var expected: [Int] = []
      for _ in 0..<8 {
        last = (read + last) % 5
        read += 1
        expected.append(last)
      }
      assertEqual(counting, expected, "greedy chain of the counting predictor from [2, 4]")
      // At temperature 1 the same model must not be greedy: with <unk> removed, token 2 after
      // token 4 has probability about 0.44, so 400 first tokens hold about 175 of them.
      var twos = 0
      var unknowns = 0
      for _ in 0..<400 {
        let sample = Sampler.generate(
          from: model, prompt: [4], options: .init(maximumLength: 1, unknownToken: 0), rng: &rng)
        if sample == [2] { twos += 1 }
        if sample.contains(0) { unknowns += 1 }
      }
      assertEqual(unknowns, 0, "<unk> (probability 0.25 here) must always be redrawn")
      let p = exp(1.5) / [0.5, 1.5, 1.0, 0.0, -1.0].reduce(0) { $0 + exp($1) }
      assertEqual(
        Double(twos), 400 * p, accuracy: 5 * (400 * p * (1 - p)).squareRoot(),
        "temperature 1: times of 400 that token 2 (probability \(formatNumber(p))) was drawn "
          + "after token 4")
    }
  }
}

/// The Elman step written out element by element (independent of exercise 02.1).
private func referenceElmanStep(
  x: Matrix, h: Matrix, whh: Matrix, whx: Matrix, b: Matrix,
  activation: RecurrentActivation = .tanh
) -> (z: Matrix, h: Matrix) {
  let z = Matrix(rows: x.rows, cols: whh.rows) { r, i in
    var s = b[0, i]
    for j in 0..<x.cols { s += x[r, j] * whx[i, j] }
    for j in 0..<h.cols { s += h[r, j] * whh[i, j] }
    return s
  }
  switch activation {
  case .tanh: return (z, z.map { Foundation.tanh($0) })
  case .sigmoid: return (z, z.map { 1 / (1 + exp(-$0)) })
  case .relu: return (z, z.map { max(0, $0) })
  }
}

/// A test-local tanh Elman cell, so the language model's test does not depend on exercise 02.1.
private struct LocalElmanCell: RecurrentCell {
  var whh: Matrix
  var whx: Matrix
  var b: Matrix

  var inputSize: Int { whx.cols }
  var hiddenSize: Int { whh.rows }

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W_hh", &whh)
    try body("W_hx", &whx)
    try body("b", &b)
  }

  func forward(_ input: Matrix, state: Matrix) -> (state: Matrix, cache: Matrix) {
    (referenceElmanStep(x: input, h: state, whh: whh, whx: whx, b: b).h, input)
  }
}

/// A predictor whose state is the number of tokens read; after reading `n` tokens, the last
/// being `token`, it is nearly sure the next one is `(n + token) mod 5`.
private struct CountingPredictor: TokenPredictor {
  func initialState() -> Int { 0 }

  func nextTokenLogits(after token: Int, state: Int) -> (logits: [Double], state: Int) {
    let target = (state + 1 + token) % 5
    return ((0..<5).map { $0 == target ? 0 : -1 - Double($0) }, state + 1)
  }
}

/// A predictor whose logits depend only on the token just read.
private struct LastTokenPredictor: TokenPredictor {
  var table: [[Double]]

  func initialState() -> Int { -1 }

  func nextTokenLogits(after token: Int, state: Int) -> (logits: [Double], state: Int) {
    (table[token], token)
  }
}
