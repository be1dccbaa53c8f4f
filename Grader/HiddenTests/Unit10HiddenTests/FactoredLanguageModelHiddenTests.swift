import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct RNNTraining.StackedCell
import struct RNNTraining.TokenChunk
import struct Unit10.FactoredLanguageModel
import struct Unit10.FullSoftmax

/// Hidden tests of the factored recurrent language model (10.10 and 10.11) on a two-layer stack
/// of cells whose state has a memory besides `h`. Batch, length, vocabulary, widths, window,
/// words and weights are drawn from the grading seed; the expected gradients are centered
/// differences of the loss each window defines, computed here from the cell's forward pass and
/// a softmax written out word by word, never from stored numbers.
final class FactoredLanguageModelHiddenTests: XCTestCase {
  typealias Cell = StackedCell<LeakyCell>
  typealias Model = FactoredLanguageModel<Cell, FullSoftmax>

  struct Case {
    var model: Model
    var state: Cell.State
    var inputs: [[Int]]
    var targets: [[Int]]
  }

  static func draw(_ base: UInt64) -> Case {
    var rng = RandomSource(seed: gradingSeed(base))
    let batch = 2 + rng.int(below: 2)
    let steps = 3 + rng.int(below: 3)
    let vocabulary = 5 + rng.int(below: 4)
    let (e, h) = (2 + rng.int(below: 2), 3 + rng.int(below: 2))
    let cell = StackedCell(layers: [
      LeakyCell(inputSize: e, hiddenSize: h, rng: &rng),
      LeakyCell(inputSize: h, hiddenSize: h, rng: &rng),
    ])
    let model = FactoredLanguageModel(
      embedding: .gaussian(vocabulary, e, std: 0.8, rng: &rng), cell: cell,
      output: FullSoftmax(
        weight: .gaussian(vocabulary, h, std: 0.8, rng: &rng),
        bias: .gaussian(1, vocabulary, std: 0.4, rng: &rng)))
    var state = Cell.State.zeros(batchSize: batch, hiddenSize: h)
    for _ in 0..<2 {
      state = cell.forward(.gaussian(batch, e, std: 1, rng: &rng), state: state).state
    }
    func words() -> [[Int]] {
      (0..<batch).map { _ in (0..<steps).map { _ in rng.int(below: vocabulary) } }
    }
    return Case(model: model, state: state, inputs: words(), targets: words())
  }

  static func states(_ model: Model, _ inputs: [[Int]], from start: Cell.State) -> [Cell.State] {
    var state = start
    var out: [Cell.State] = []
    for t in 0..<(inputs.first?.count ?? 0) {
      var x = Matrix.zeros(inputs.count, model.embedding.cols)
      for b in inputs.indices { x.setRow(b, model.embedding.row(inputs[b][t])) }
      state = model.cell.forward(x, state: state).state
      out.append(state)
    }
    return out
  }

  /// The mean loss whose gradient a window of `k` steps gives: the loss of step `t` starts from
  /// the state before step `t-k+1` as it was in the unperturbed run (`frozen`).
  static func windowedLoss(
    _ model: Model, _ c: Case, window: Int?, frozen: [Cell.State]
  )
    -> Double
  {
    let steps = c.inputs[0].count
    var total = 0.0
    for t in 0..<steps {
      let first = window.map { max(0, t - $0 + 1) } ?? 0
      let start = first == 0 ? c.state : frozen[first - 1]
      let hidden = states(model, c.inputs.map { Array($0[first...t]) }, from: start).last!.hidden
      for b in 0..<hidden.rows {
        let scores = (0..<model.output.bias.cols).map { w in
          (0..<hidden.cols).reduce(model.output.bias[0, w]) {
            $0 + hidden[b, $1] * model.output.weight[w, $1]
          }
        }
        let top = scores.max() ?? 0
        total += top + log(scores.reduce(0) { $0 + exp($1 - top) }) - scores[c.targets[b][t]]
      }
    }
    return total / Double(c.inputs.count * steps)
  }

  func testRunMatchesTheCellStepByStep() throws {
    try exercise {
      let c = Self.draw(11_001)
      let run = c.model.run(c.inputs, initialState: c.state)
      let expected = Self.states(c.model, c.inputs, from: c.state)
      assertEqual(run.states.count, expected.count, "one state per step")
      for (t, (actual, reference)) in zip(run.states, expected).enumerated() {
        assertClose(actual.hidden, reference.hidden, tolerance: 1e-12, "h after step \(t)")
        for (layer, (a, r)) in zip(actual.parts, reference.parts).enumerated() {
          assertClose(a.memory, r.memory, tolerance: 1e-12, "memory of layer \(layer), step \(t)")
        }
      }
    }
  }

  func testGradientsOfEveryWindowMatchCenteredDifferences() throws {
    try exercise {
      let c = Self.draw(11_002)
      let frozen = Self.states(c.model, c.inputs, from: c.state)
      let chunk = TokenChunk(inputs: c.inputs, targets: c.targets, startsStreams: false)
      for window in [nil, 1, 2] as [Int?] {
        let result = c.model.lossAndGradients(chunk, initialState: c.state, truncation: window)
        assertClose(
          result.loss, Self.windowedLoss(c.model, c, window: nil, frozen: frozen),
          tolerance: 1e-11, "the mean loss (window \(window.map(String.init) ?? "none"))")
        assertGradientsMatch(
          GradientCheck.check(parameters: c.model, analytic: result.gradients) {
            Self.windowedLoss($0, c, window: window, frozen: frozen)
          }, tolerance: 1e-6,
          hint: "window \(window.map(String.init) ?? "none (whole chunk)")")
        assertClose(
          result.finalState.hidden, frozen[frozen.count - 1].hidden, tolerance: 1e-12,
          "the final state")
      }
    }
  }
}
