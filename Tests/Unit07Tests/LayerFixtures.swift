import CourseTestSupport
import Foundation
import RNNCore

import protocol RNNTraining.BackpropagatingCell
import protocol RNNTraining.RecurrentState

/// Seeded, non-symmetric batches and test-local reference computations for the tests of
/// exercises 07.1-07.8 (sequence layers and the tagger's token loss). The golden values were
/// produced by the reference solution on exactly these fixtures.
///
/// The batch has `T = 5` steps and four sequences of lengths `[5, 1, 3, 0]`: a full row, a row
/// of one token, a row in between and an empty row. Padding inputs are random, not zero, so
/// a layer that reads them or lets them leak into real outputs changes the numbers.
enum LayerFixtures {
  static let lecture = "Lectures/07-bidirectional-deep-rnns.md"
  static let steps = 5
  static let lengths = [5, 1, 3, 0]
  static let inputSize = 3

  /// `T` inputs, each `B x E`, Gaussian everywhere (padding included).
  static func inputs(
    steps: Int = steps, batch: Int = lengths.count, width: Int = inputSize, seed: UInt64 = 7001
  ) -> [Matrix] {
    var rng = RandomSource(seed: seed)
    return (0..<steps).map { _ in Matrix.gaussian(batch, width, rng: &rng) }
  }

  /// The readout weights `R_t` of the test loss `Σ_t Σ R_t ⊙ output_t`; padding rows are
  /// nonzero, so a backward pass that does not ignore them is wrong.
  static func readout(
    width: Int, steps: Int = steps, batch: Int = lengths.count, seed: UInt64
  )
    -> [Matrix]
  {
    var rng = RandomSource(seed: seed)
    return (0..<steps).map { _ in Matrix.gaussian(batch, width, rng: &rng) }
  }

  /// A tanh cell with its own seeded weights.
  static func tanhCell(inputSize: Int = inputSize, hiddenSize: Int, seed: UInt64) -> TanhCell {
    var rng = RandomSource(seed: seed)
    return TanhCell(inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng)
  }

  /// A leaky cell (two-part state) with its own seeded weights.
  static func leakyCell(inputSize: Int = inputSize, hiddenSize: Int, seed: UInt64) -> LeakyCell {
    var rng = RandomSource(seed: seed)
    return LeakyCell(inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng)
  }

  /// `sequence` with every padding row (`t >= lengths[b]`) replaced by new random values.
  static func withNewPadding(_ sequence: [Matrix], lengths: [Int], seed: UInt64) -> [Matrix] {
    var rng = RandomSource(seed: seed)
    var out = sequence
    for t in out.indices {
      for b in lengths.indices where t >= lengths[b] {
        for j in 0..<out[t].cols { out[t][b, j] = rng.gaussian(std: 3) }
      }
    }
    return out
  }

  /// Whether step `t` of row `b` is padding.
  static func isPadding(_ t: Int, _ b: Int, _ lengths: [Int]) -> Bool { t >= lengths[b] }

  /// Each row reversed within its length, built by gathering rows (a different route from the
  /// exercise's loops): row `b` of step `t` is row `b` of step `lengths[b] - 1 - t` for real
  /// steps and stays in place at padding.
  static func reversed(_ sequence: [Matrix], lengths: [Int]) -> [Matrix] {
    sequence.indices.map { t in
      Matrix.vstack(
        lengths.indices.map { b in
          let source = t < lengths[b] ? lengths[b] - 1 - t : t
          return sequence[source].rowMatrix(b)
        })
    }
  }

  /// `m` with padding rows of step `t` set to zero.
  static func masked(_ m: Matrix, step t: Int, lengths: [Int]) -> Matrix {
    Matrix(rows: m.rows, cols: m.cols) { b, j in t < lengths[b] ? m[b, j] : 0 }
  }

  /// The cell run over every step of the batch from `state`: each step's state and cache.
  static func run<Cell: BackpropagatingCell>(
    _ cell: Cell, _ inputs: [Matrix], from state: Cell.State
  ) -> (states: [Cell.State], caches: [Cell.StepCache]) {
    var state = state
    var states: [Cell.State] = []
    var caches: [Cell.StepCache] = []
    for x in inputs {
      let step = cell.forward(x, state: state)
      state = step.state
      states.append(step.state)
      caches.append(step.cache)
    }
    return (states, caches)
  }

  /// The outputs of a left-to-right layer: `h_t` from a zero state, zero at padding.
  static func recurrentOutputs<Cell: BackpropagatingCell>(
    _ cell: Cell, _ inputs: [Matrix], lengths: [Int]
  ) -> [Matrix] {
    let states = run(
      cell, inputs, from: .zeros(batchSize: lengths.count, hiddenSize: cell.hiddenSize)
    ).states
    return states.indices.map { masked(states[$0].hidden, step: $0, lengths: lengths) }
  }

  /// A reference bidirectional run: the forward cell over the batch from `initial.forward`,
  /// the backward cell over the batch reversed within its lengths from `initial.backward`,
  /// its hidden vectors put back in place, `[h→_t ; h←_t]` side by side, zero at padding.
  /// The backward caches are in the order that cell ran them.
  static func bidirectional<Forward: BackpropagatingCell, Backward: BackpropagatingCell>(
    _ forward: Forward, _ backward: Backward, _ inputs: [Matrix], lengths: [Int],
    initial: (forward: Forward.State, backward: Backward.State)? = nil
  ) -> (outputs: [Matrix], forwardCaches: [Forward.StepCache], backwardCaches: [Backward.StepCache])
  {
    let batch = lengths.count
    let left = run(
      forward, inputs,
      from: initial?.forward ?? .zeros(batchSize: batch, hiddenSize: forward.hiddenSize))
    let right = run(
      backward, reversed(inputs, lengths: lengths),
      from: initial?.backward ?? .zeros(batchSize: batch, hiddenSize: backward.hiddenSize))
    let backwardInPlace = reversed(right.states.map(\.hidden), lengths: lengths)
    let outputs = inputs.indices.map { t in
      masked(.hstack([left.states[t].hidden, backwardInPlace[t]]), step: t, lengths: lengths)
    }
    return (outputs, left.caches, right.caches)
  }

  /// The cell run over row `b` alone, unpadded (`lengths[b]` steps, one sequence, zero
  /// state), left to right or right to left: the hidden vectors in position order.
  static func rowAlone<Cell: BackpropagatingCell>(
    _ cell: Cell, _ inputs: [Matrix], row b: Int, length: Int, rightToLeft: Bool
  ) -> [Matrix] {
    let positions = rightToLeft ? Array((0..<length).reversed()) : Array(0..<length)
    let hidden = run(
      cell, positions.map { inputs[$0].rowMatrix(b) },
      from: .zeros(batchSize: 1, hiddenSize: cell.hiddenSize)
    ).states.map(\.hidden)
    return rightToLeft ? hidden.reversed() : hidden
  }

  /// `Σ_t Σ R_t ⊙ output_t`.
  static func readoutLoss(_ outputs: [Matrix], _ weights: [Matrix]) -> Double {
    zip(outputs, weights).reduce(0) { $0 + $1.0.dot($1.1) }
  }

  /// The largest absolute difference between two sequences of equal shapes.
  static func largestDifference(_ a: [Matrix], _ b: [Matrix]) -> Double {
    zip(a, b).reduce(0) { Swift.max($0, ($1.0 - $1.1).maxAbs()) }
  }
}

/// A recurrent state seen as its parts (`h`, or `h` and the memory `m`), so the gradient
/// checks can perturb each part of an initial state.
protocol StateParts: RecurrentState {
  static var partNames: [String] { get }
  var parts: [Matrix] { get }
  func replacingPart(_ k: Int, with part: Matrix) -> Self
}

extension Matrix: StateParts {
  static var partNames: [String] { ["h"] }
  var parts: [Matrix] { [self] }
  func replacingPart(_ k: Int, with part: Matrix) -> Matrix { part }
}

extension LeakyState: StateParts {
  static var partNames: [String] { ["h", "m"] }
  var parts: [Matrix] { [hidden, memory] }
  func replacingPart(_ k: Int, with part: Matrix) -> LeakyState {
    k == 0 ? LeakyState(hidden: part, memory: memory) : LeakyState(hidden: hidden, memory: part)
  }
}

extension LayerFixtures {
  /// A seeded state of `B` rows for `cell`, every part random.
  static func randomState<S: StateParts>(
    _ type: S.Type, batch: Int = lengths.count, hiddenSize: Int, seed: UInt64
  ) -> S {
    var rng = RandomSource(seed: seed)
    var state = S.zeros(batchSize: batch, hiddenSize: hiddenSize)
    for k in S.partNames.indices {
      state = state.replacingPart(
        k, with: .uniform(batch, hiddenSize, low: -0.8, high: 0.8, rng: &rng))
    }
    return state
  }
}
