import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import protocol RNNTraining.BackpropagatingCell
import protocol RNNTraining.RecurrentState
import struct Unit07.BidirectionalLayer
import struct Unit07.RecurrentLayer
import struct Unit07.StackedLayers
import struct Unit07.TaggerHead
import func Unit07.reversedWithinLengths

/// Hidden tests of unit 07's sequence layers and token loss (exercises 07.1-07.8). Shapes,
/// lengths, weights and inputs are drawn from the grading seed, so the expected values come from
/// reference computations written here (cells of their own, a reversal by gathering rows, the
/// directions run row by row on the unpadded sequences, a token loss summed token by token) and
/// from centered differences, never from stored numbers. Every batch has a full-length row and
/// an empty or one-token row.
///
/// As in the public tests, the backward passes run on caches whose steps were replaced by the
/// reference steps, so 07.3 and 07.5 are checked apart from 07.2 and 07.4.
final class Unit07LayerHiddenTests: XCTestCase {
  func testReversalOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(7101))
      for _ in 0..<3 {
        let shape = randomShape(&rng)
        let sequence = randomInputs(shape, &rng)
        let result = reversedWithinLengths(sequence, lengths: shape.lengths)
        let expected = reversed(sequence, shape.lengths)
        assertEqual(result.count, expected.count, "steps for lengths \(shape.lengths)")
        for t in 0..<min(result.count, expected.count) {
          assertClose(
            result[t], expected[t], tolerance: 0, "step \(t) for lengths \(shape.lengths)")
        }
      }
    }
  }

  func testRecurrentLayerOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(7102))
      for _ in 0..<2 {
        let shape = randomShape(&rng)
        let inputs = randomInputs(shape, &rng)
        self.checkRecurrent(
          SquashCell(inputSize: shape.width, hiddenSize: 2, rng: &rng), inputs, shape, &rng)
        self.checkRecurrent(
          DampedCell(inputSize: shape.width, hiddenSize: 3, rng: &rng), inputs, shape, &rng)
      }
      // One sequence of one step.
      let one = Shape(steps: 1, lengths: [1], width: 2)
      self.checkRecurrent(
        DampedCell(inputSize: 2, hiddenSize: 2, rng: &rng), randomInputs(one, &rng), one, &rng)
    }
  }

  func checkRecurrent<Cell: BackpropagatingCell>(
    _ cell: Cell, _ inputs: [Matrix], _ shape: Shape, _ rng: inout RandomSource
  ) {
    let label = "\(Cell.self), T = \(shape.steps), lengths \(shape.lengths)"
    let layer = RecurrentLayer(cell: cell)
    var run = layer.forward(sequence: inputs, lengths: shape.lengths)
    let expected = rowByRow(cell, inputs, shape.lengths, rightToLeft: false)
    assertEqual(run.outputs.count, shape.steps, "07.2 output count (\(label))")
    for t in 0..<min(shape.steps, run.outputs.count) {
      assertClose(run.outputs[t], expected[t], tolerance: 1e-12, "07.2 output_\(t) (\(label))")
    }
    run.cache.steps =
      steps(cell, inputs, from: .zeros(batchSize: shape.lengths.count, hiddenSize: cell.hiddenSize))
      .caches
    run.cache.lengths = shape.lengths
    let weights = inputs.map { Matrix.gaussian($0.rows, cell.hiddenSize, rng: &rng) }
    let result = layer.backward(sequence: run.cache, outputGradients: weights)
    func loss(_ cell: Cell, _ inputs: [Matrix]) -> Double {
      zip(rowByRow(cell, inputs, shape.lengths, rightToLeft: false), weights).reduce(0) {
        $0 + $1.0.dot($1.1)
      }
    }
    assertGradientsMatch(
      GradientCheck.check(parameters: layer, analytic: result.gradients) { loss($0.cell, inputs) },
      tolerance: bpttTolerance, hint: "07.3 (\(label))")
    guard result.inputGradients.count == shape.steps else {
      fail("07.3: expected \(shape.steps) input gradients (\(label))")
      return
    }
    for t in 0..<shape.steps {
      assertGradientsMatch(
        GradientCheck.check(input: inputs[t], named: "x_\(t)", analytic: result.inputGradients[t]) {
          x in
          var changed = inputs
          changed[t] = x
          return loss(cell, changed)
        }, tolerance: bpttTolerance, hint: "07.3 (\(label))")
    }
  }

  func testBidirectionalLayerOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(7103))
      for _ in 0..<2 {
        let shape = randomShape(&rng)
        let inputs = randomInputs(shape, &rng)
        let forward = DampedCell(
          inputSize: shape.width, hiddenSize: 1 + rng.int(below: 3), rng: &rng)
        let backward = SquashCell(
          inputSize: shape.width, hiddenSize: 1 + rng.int(below: 3), rng: &rng)
        self.checkBidirectional(
          BidirectionalLayer(forward: forward, backward: backward), inputs, shape, &rng)
        self.checkBidirectional(
          BidirectionalLayer(forward: backward, backward: forward), inputs, shape, &rng)
      }
    }
  }

  func checkBidirectional<F: BackpropagatingCell, B: BackpropagatingCell>(
    _ layer: BidirectionalLayer<F, B>, _ inputs: [Matrix], _ shape: Shape,
    _ rng: inout RandomSource
  ) where F.State: PartedState, B.State: PartedState {
    let label = "\(F.self)/\(B.self), T = \(shape.steps), lengths \(shape.lengths)"
    let batch = shape.lengths.count
    let initial = (
      forward: F.State.random(batch: batch, hiddenSize: layer.forwardCell.hiddenSize, &rng),
      backward: B.State.random(batch: batch, hiddenSize: layer.backwardCell.hiddenSize, &rng)
    )
    func outputs(
      _ l: BidirectionalLayer<F, B>, _ x: [Matrix], _ s: (F.State, B.State)
    )
      -> [Matrix]
    {
      let left = steps(l.forwardCell, x, from: s.0).states.map(\.hidden)
      let right = reversed(
        steps(l.backwardCell, reversed(x, shape.lengths), from: s.1).states.map(\.hidden),
        shape.lengths)
      return x.indices.map { t in
        masked(.hstack([left[t], right[t]]), t, shape.lengths)
      }
    }
    // Without initial states: each row against both cells run over that row alone.
    var run = layer.forward(inputs, lengths: shape.lengths, initialStates: nil)
    let left = rowByRow(layer.forwardCell, inputs, shape.lengths, rightToLeft: false)
    let right = rowByRow(layer.backwardCell, inputs, shape.lengths, rightToLeft: true)
    assertEqual(run.outputs.count, shape.steps, "07.4 output count (\(label))")
    for t in 0..<min(shape.steps, run.outputs.count) {
      assertClose(
        run.outputs[t], .hstack([left[t], right[t]]), tolerance: 1e-12,
        "07.4 output_\(t) from zero states (\(label))")
    }
    run = layer.forward(inputs, lengths: shape.lengths, initialStates: initial)
    let expected = outputs(layer, inputs, initial)
    for t in 0..<min(shape.steps, run.outputs.count) {
      assertClose(
        run.outputs[t], expected[t], tolerance: 1e-12,
        "07.4 output_\(t) from given initial states (\(label))")
    }

    run.cache.forwardSteps = steps(layer.forwardCell, inputs, from: initial.forward).caches
    run.cache.backwardSteps =
      steps(layer.backwardCell, reversed(inputs, shape.lengths), from: initial.backward).caches
    run.cache.lengths = shape.lengths
    let weights = inputs.map { Matrix.gaussian($0.rows, layer.outputSize, rng: &rng) }
    let result = layer.backward(run.cache, outputGradients: weights)
    func loss(_ l: BidirectionalLayer<F, B>, _ x: [Matrix], _ s: (F.State, B.State)) -> Double {
      zip(outputs(l, x, s), weights).reduce(0) { $0 + $1.0.dot($1.1) }
    }
    let hint = "07.5 (\(label))"
    assertGradientsMatch(
      GradientCheck.check(parameters: layer, analytic: result.gradients) {
        loss($0, inputs, initial)
      }, tolerance: bpttTolerance, hint: hint)
    guard result.inputGradients.count == shape.steps else {
      fail("07.5: expected \(shape.steps) input gradients (\(label))")
      return
    }
    for t in 0..<shape.steps {
      assertGradientsMatch(
        GradientCheck.check(input: inputs[t], named: "x_\(t)", analytic: result.inputGradients[t]) {
          x in
          var changed = inputs
          changed[t] = x
          return loss(layer, changed, initial)
        }, tolerance: bpttTolerance, hint: hint)
    }
    let (dForward, dBackward) = result.initialStateGradients
    for k in F.State.partCount {
      assertGradientsMatch(
        GradientCheck.check(
          input: initial.forward.part(k), named: "forward initial state, part \(k)",
          analytic: dForward.part(k)
        ) { loss(layer, inputs, (initial.forward.replacing(k, with: $0), initial.backward)) },
        tolerance: bpttTolerance, hint: hint)
    }
    for k in B.State.partCount {
      assertGradientsMatch(
        GradientCheck.check(
          input: initial.backward.part(k), named: "backward initial state, part \(k)",
          analytic: dBackward.part(k)
        ) { loss(layer, inputs, (initial.forward, initial.backward.replacing(k, with: $0))) },
        tolerance: bpttTolerance, hint: hint)
    }
  }

  func testStackOfThreeBidirectionalLayers() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(7104))
      let shape = randomShape(&rng)
      let inputs = randomInputs(shape, &rng)
      var width = shape.width
      var layers: [BidirectionalLayer<SquashCell, DampedCell>] = []
      for _ in 0..<3 {
        let layer = BidirectionalLayer(
          forward: SquashCell(inputSize: width, hiddenSize: 1 + rng.int(below: 3), rng: &rng),
          backward: DampedCell(inputSize: width, hiddenSize: 1 + rng.int(below: 3), rng: &rng))
        layers.append(layer)
        width = layer.outputSize
      }
      let label =
        "T = \(shape.steps), lengths \(shape.lengths), widths "
        + "\([shape.width] + layers.map(\.outputSize))"
      func top(_ layers: [BidirectionalLayer<SquashCell, DampedCell>], _ x: [Matrix]) -> [Matrix] {
        layers.reduce(x) { below, layer in
          let left = rowByRow(layer.forwardCell, below, shape.lengths, rightToLeft: false)
          let right = rowByRow(layer.backwardCell, below, shape.lengths, rightToLeft: true)
          return below.indices.map { Matrix.hstack([left[$0], right[$0]]) }
        }
      }
      let stack = StackedLayers(layers)
      let run = stack.forward(sequence: inputs, lengths: shape.lengths)
      let expected = top(layers, inputs)
      assertEqual(run.outputs.count, shape.steps, "07.6 output count (\(label))")
      for t in 0..<min(shape.steps, run.outputs.count) {
        assertClose(run.outputs[t], expected[t], tolerance: 1e-12, "07.6 output_\(t) (\(label))")
      }
      let weights = inputs.map { Matrix.gaussian($0.rows, width, rng: &rng) }
      let result = stack.backward(sequence: run.cache, outputGradients: weights)
      func loss(_ layers: [BidirectionalLayer<SquashCell, DampedCell>], _ x: [Matrix]) -> Double {
        zip(top(layers, x), weights).reduce(0) { $0 + $1.0.dot($1.1) }
      }
      assertGradientsMatch(
        GradientCheck.check(parameters: stack, analytic: result.gradients) {
          loss($0.layers, inputs)
        }, tolerance: stackTolerance, hint: "07.7 (\(label))")
      guard result.inputGradients.count == shape.steps else {
        fail("07.7: expected \(shape.steps) input gradients (\(label))")
        return
      }
      for t in 0..<shape.steps {
        assertGradientsMatch(
          GradientCheck.check(input: inputs[t], named: "x_\(t)", analytic: result.inputGradients[t])
          { x in
            var changed = inputs
            changed[t] = x
            return loss(layers, changed)
          }, tolerance: stackTolerance, hint: "07.7 (\(label))")
      }
    }
  }

  func testTokenLossOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(7105))
      for scale in [1.0, 3.0, 400.0] {
        let shape = randomShape(&rng)
        let tagCount = 2 + rng.int(below: 4)
        let scores = (0..<shape.steps).map { _ in
          Matrix.gaussian(shape.lengths.count, tagCount, std: scale, rng: &rng)
        }
        // A tag at every step (padding too), as a loader that pads its tags would give.
        let tags = shape.lengths.map { _ in
          (0..<shape.steps).map { _ in rng.int(below: tagCount) }
        }
        let label = "K = \(tagCount), T = \(shape.steps), lengths \(shape.lengths), scale \(scale)"
        let result = TaggerHead.tokenLoss(scores: scores, tags: tags, lengths: shape.lengths)
        assertFinite(result.loss, "07.8 loss (\(label))")
        assertClose(
          result.loss, tokenLoss(scores, tags, shape.lengths), tolerance: 1e-10,
          "07.8 loss (\(label))")
        guard result.scoreGradients.count == shape.steps else {
          fail("07.8: expected \(shape.steps) score gradients (\(label))")
          continue
        }
        for t in 0..<shape.steps {
          assertFinite(result.scoreGradients[t], "07.8 ∂L/∂s_\(t) (\(label))")
          if scale > 10 {
            // Centered differences of a loss near 1000 are too noisy; compare with softmax.
            assertClose(
              result.scoreGradients[t], tokenLossGradient(scores, tags, shape.lengths, t),
              tolerance: 1e-10, "07.8 ∂L/∂s_\(t) (\(label))")
          } else {
            assertGradientsMatch(
              GradientCheck.check(
                input: scores[t], named: "s_\(t)", analytic: result.scoreGradients[t]
              ) { s in
                var changed = scores
                changed[t] = s
                return tokenLoss(changed, tags, shape.lengths)
              }, tolerance: 1e-7, hint: "07.8 (\(label))")
          }
        }
      }
    }
  }
}

// MARK: - Shapes and reference computations

/// The gradient checks' tolerances. Over thousands of grading seeds, the truncation error of the
/// centered differences through a few BPTT steps reaches a few 1e-6 on rare elements, and through
/// three stacked bidirectional layers about 1e-5; a wrong gradient is off by far more.
private let bpttTolerance = 5e-6
private let stackTolerance = 3e-5

struct Shape {
  var steps: Int
  var lengths: [Int]
  var width: Int
}

/// `T` in 4...6, `B` in 3...5 with one full row, one row of length 0 or 1 and the others
/// random, in a random order; inputs 1...3 wide.
private func randomShape(_ rng: inout RandomSource) -> Shape {
  let steps = 4 + rng.int(below: 3)
  let batch = 3 + rng.int(below: 3)
  var lengths = [steps, rng.int(below: 2)]
  while lengths.count < batch { lengths.append(rng.int(below: steps + 1)) }
  let order = rng.permutation(batch)
  return Shape(steps: steps, lengths: order.map { lengths[$0] }, width: 1 + rng.int(below: 3))
}

private func randomInputs(_ shape: Shape, _ rng: inout RandomSource) -> [Matrix] {
  (0..<shape.steps).map { _ in Matrix.gaussian(shape.lengths.count, shape.width, rng: &rng) }
}

private func reversed(_ sequence: [Matrix], _ lengths: [Int]) -> [Matrix] {
  sequence.indices.map { t in
    Matrix.vstack(
      lengths.indices.map { b in
        sequence[t < lengths[b] ? lengths[b] - 1 - t : t].rowMatrix(b)
      })
  }
}

private func masked(_ m: Matrix, _ t: Int, _ lengths: [Int]) -> Matrix {
  Matrix(rows: m.rows, cols: m.cols) { b, j in t < lengths[b] ? m[b, j] : 0 }
}

private func steps<Cell: BackpropagatingCell>(
  _ cell: Cell, _ inputs: [Matrix], from state: Cell.State
) -> (states: [Cell.State], caches: [Cell.StepCache]) {
  var state = state
  var states: [Cell.State] = []
  var caches: [Cell.StepCache] = []
  for x in inputs {
    let step = cell.forward(x, state: state)
    state = step.state
    states.append(state)
    caches.append(step.cache)
  }
  return (states, caches)
}

/// A direction's outputs computed one row at a time on the unpadded sequence (zero state),
/// zero at padding.
private func rowByRow<Cell: BackpropagatingCell>(
  _ cell: Cell, _ inputs: [Matrix], _ lengths: [Int], rightToLeft: Bool
) -> [Matrix] {
  var out = inputs.map { Matrix.zeros($0.rows, cell.hiddenSize) }
  for (b, n) in lengths.enumerated() {
    let order = rightToLeft ? Array((0..<n).reversed()) : Array(0..<n)
    let states = steps(
      cell, order.map { inputs[$0].rowMatrix(b) },
      from: .zeros(batchSize: 1, hiddenSize: cell.hiddenSize)
    ).states
    for (k, t) in order.enumerated() {
      for j in 0..<cell.hiddenSize { out[t][b, j] = states[k].hidden[0, j] }
    }
  }
  return out
}

private func tokenLoss(_ scores: [Matrix], _ tags: [[Int]], _ lengths: [Int]) -> Double {
  var sum = 0.0
  var count = 0
  for (b, n) in lengths.enumerated() {
    for t in 0..<n {
      let row = scores[t].row(b)
      let top = row.max() ?? 0
      sum += top + log(row.map { exp($0 - top) }.reduce(0, +)) - row[tags[b][t]]
      count += 1
    }
  }
  return count == 0 ? 0 : sum / Double(count)
}

private func tokenLossGradient(
  _ scores: [Matrix], _ tags: [[Int]], _ lengths: [Int], _ t: Int
)
  -> Matrix
{
  let count = Double(lengths.reduce(0, +))
  var g = Matrix.zeros(like: scores[t])
  for (b, n) in lengths.enumerated() where t < n {
    let row = scores[t].row(b)
    let top = row.max() ?? 0
    let e = row.map { exp($0 - top) }
    let total = e.reduce(0, +)
    for k in row.indices { g[b, k] = (e[k] / total - (k == tags[b][t] ? 1 : 0)) / count }
  }
  return g
}

// MARK: - Cells

/// A state seen as numbered parts, for the initial-state gradient checks.
protocol PartedState: RecurrentState {
  static var partCount: Range<Int> { get }
  func part(_ k: Int) -> Matrix
  func replacing(_ k: Int, with m: Matrix) -> Self
  static func random(batch: Int, hiddenSize: Int, _ rng: inout RandomSource) -> Self
}

extension Matrix: PartedState {
  static var partCount: Range<Int> { 0..<1 }
  func part(_ k: Int) -> Matrix { self }
  func replacing(_ k: Int, with m: Matrix) -> Matrix { m }
  static func random(batch: Int, hiddenSize: Int, _ rng: inout RandomSource) -> Matrix {
    .uniform(batch, hiddenSize, low: -0.9, high: 0.9, rng: &rng)
  }
}

/// `h_t = tanh(x_t Aᵀ + h_{t-1} Cᵀ + d)`.
struct SquashCell: BackpropagatingCell {
  var a: Matrix
  var c: Matrix
  var d: Matrix

  init(inputSize: Int, hiddenSize: Int, rng: inout RandomSource) {
    a = .gaussian(hiddenSize, inputSize, std: 0.5, rng: &rng)
    c = .gaussian(hiddenSize, hiddenSize, std: 0.5, rng: &rng)
    d = .gaussian(1, hiddenSize, std: 0.4, rng: &rng)
  }

  var inputSize: Int { a.cols }
  var hiddenSize: Int { a.rows }

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("A", &a)
    try body("C", &c)
    try body("d", &d)
  }

  func forward(_ input: Matrix, state: Matrix) -> (state: Matrix, cache: [Matrix]) {
    let h =
      (input.matmul(a, transposeOther: true) + state.matmul(c, transposeOther: true))
      .adding(rowVector: d).tanh()
    return (h, [input, state, h])
  }

  func backward(
    _ cache: [Matrix], stateGradient: Matrix
  ) -> (
    inputGradient: Matrix, previousStateGradient: Matrix, gradients: SquashCell
  ) {
    let dz = stateGradient * cache[2].map { 1 - $0 * $0 }
    var g = self
    g.a = dz.matmul(cache[0], transposeSelf: true)
    g.c = dz.matmul(cache[1], transposeSelf: true)
    g.d = dz.sumRows()
    return (dz.matmul(a), dz.matmul(c), g)
  }
}

/// The state of ``DampedCell``: `h` and a slowly decaying sum `s`.
struct DampedState: PartedState {
  var hidden: Matrix
  var sum: Matrix

  static func zeros(batchSize: Int, hiddenSize: Int) -> DampedState {
    DampedState(hidden: .zeros(batchSize, hiddenSize), sum: .zeros(batchSize, hiddenSize))
  }
  func addingToHidden(_ delta: Matrix) -> DampedState {
    DampedState(hidden: hidden + delta, sum: sum)
  }
  static func + (lhs: DampedState, rhs: DampedState) -> DampedState {
    DampedState(hidden: lhs.hidden + rhs.hidden, sum: lhs.sum + rhs.sum)
  }
  static var partCount: Range<Int> { 0..<2 }
  func part(_ k: Int) -> Matrix { k == 0 ? hidden : sum }
  func replacing(_ k: Int, with m: Matrix) -> DampedState {
    k == 0 ? DampedState(hidden: m, sum: sum) : DampedState(hidden: hidden, sum: m)
  }
  static func random(batch: Int, hiddenSize: Int, _ rng: inout RandomSource) -> DampedState {
    DampedState(
      hidden: .uniform(batch, hiddenSize, low: -0.9, high: 0.9, rng: &rng),
      sum: .gaussian(batch, hiddenSize, rng: &rng))
  }
}

/// `s_t = 0.8 s_{t-1} + tanh(x_t Aᵀ + h_{t-1} Cᵀ + d)`, `h_t = tanh(s_t)`.
struct DampedCell: BackpropagatingCell {
  var a: Matrix
  var c: Matrix
  var d: Matrix

  init(inputSize: Int, hiddenSize: Int, rng: inout RandomSource) {
    a = .gaussian(hiddenSize, inputSize, std: 0.5, rng: &rng)
    c = .gaussian(hiddenSize, hiddenSize, std: 0.5, rng: &rng)
    d = .gaussian(1, hiddenSize, std: 0.4, rng: &rng)
  }

  var inputSize: Int { a.cols }
  var hiddenSize: Int { a.rows }

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("A", &a)
    try body("C", &c)
    try body("d", &d)
  }

  struct StepCache: Sendable {
    var input: Matrix
    var previous: DampedState
    var drive: Matrix
    var hidden: Matrix
  }

  func forward(_ input: Matrix, state: DampedState) -> (state: DampedState, cache: StepCache) {
    let drive =
      (input.matmul(a, transposeOther: true) + state.hidden.matmul(c, transposeOther: true))
      .adding(rowVector: d).tanh()
    let sum = 0.8 * state.sum + drive
    let h = sum.tanh()
    return (
      DampedState(hidden: h, sum: sum),
      StepCache(input: input, previous: state, drive: drive, hidden: h)
    )
  }

  func backward(
    _ cache: StepCache, stateGradient: DampedState
  ) -> (
    inputGradient: Matrix, previousStateGradient: DampedState, gradients: DampedCell
  ) {
    let ds = stateGradient.sum + stateGradient.hidden * cache.hidden.map { 1 - $0 * $0 }
    let dz = ds * cache.drive.map { 1 - $0 * $0 }
    var g = self
    g.a = dz.matmul(cache.input, transposeSelf: true)
    g.c = dz.matmul(cache.previous.hidden, transposeSelf: true)
    g.d = dz.sumRows()
    return (dz.matmul(a), DampedState(hidden: dz.matmul(c), sum: 0.8 * ds), g)
  }
}
