import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct RNNTraining.TokenChunk
import struct Unit10.FactoredLanguageModel
import struct Unit10.FullSoftmax

/// Test-local references for exercises 10.10 and 10.11, written from the contract with a cell
/// whose state has a memory besides `h` (``LeakyCell``, like an LSTM's `(h, c)`) and the
/// provided full softmax, so these tests depend on no other exercise of the unit.
enum FactoredReference {
  static let vocabulary = 7
  /// A chunk of 3 sequences of 4 steps over 7 words (B ≠ T, so rows and steps cannot be
  /// confused).
  static let inputs = [[0, 3, 5, 3], [2, 2, 6, 1], [4, 1, 0, 6]]
  static let targets = [[3, 5, 3, 2], [2, 6, 1, 0], [1, 0, 6, 6]]
  static let chunk = TokenChunk(inputs: inputs, targets: targets, startsStreams: false)

  typealias Model = FactoredLanguageModel<LeakyCell, FullSoftmax>

  /// A model (E = 3, H = 4) with non-symmetric weights and a non-zero state to start from.
  static func model(seed: UInt64) -> (Model, LeakyState) {
    var rng = RandomSource(seed: seed)
    let cell = LeakyCell(inputSize: 3, hiddenSize: 4, rng: &rng)
    let embedding = Matrix.gaussian(vocabulary, 3, std: 0.7, rng: &rng)
    let output = FullSoftmax(
      weight: .gaussian(vocabulary, 4, std: 0.8, rng: &rng),
      bias: .gaussian(1, vocabulary, std: 0.3, rng: &rng))
    let state = LeakyState(
      hidden: .gaussian(3, 4, std: 0.5, rng: &rng), memory: .gaussian(3, 4, std: 0.5, rng: &rng))
    return (FactoredLanguageModel(embedding: embedding, cell: cell, output: output), state)
  }

  /// The states after every step, by the contract: step `t` reads the rows of `inputs[b][t]`.
  static func states(_ model: Model, _ inputs: [[Int]], from state: LeakyState) -> [LeakyState] {
    var current = state
    var out: [LeakyState] = []
    for t in 0..<(inputs.first?.count ?? 0) {
      var x = Matrix.zeros(inputs.count, model.embeddingSize)
      for b in inputs.indices { x.setRow(b, model.embedding.row(inputs[b][t])) }
      current = model.cell.forward(x, state: current).state
      out.append(current)
    }
    return out
  }

  /// `Σ_b -log p(targets[b] | h row b)` under the full softmax, written out.
  static func summedLoss(_ output: FullSoftmax, hidden: Matrix, targets: [Int]) -> Double {
    var total = 0.0
    for b in 0..<hidden.rows {
      let scores = (0..<output.vocabularySize).map { w in
        (0..<hidden.cols).reduce(output.bias[0, w]) { $0 + hidden[b, $1] * output.weight[w, $1] }
      }
      let top = scores.max() ?? 0
      total += top + log(scores.reduce(0) { $0 + exp($1 - top) }) - scores[targets[b]]
    }
    return total
  }

  /// The loss whose gradient a window of `k` steps computes: the loss of step `t` runs from
  /// the state before step `t-k+1`, frozen at its value in `frozen` (the unperturbed run), so
  /// no gradient reaches past the window. `k = nil` is the ordinary loss of the chunk.
  static func windowedLoss(
    _ model: Model, window: Int?, frozen: [LeakyState], initial: LeakyState
  )
    -> Double
  {
    let steps = inputs[0].count
    var total = 0.0
    for t in 0..<steps {
      let first = window.map { max(0, t - $0 + 1) } ?? 0
      let start = first == 0 ? initial : frozen[first - 1]
      let slice = inputs.map { Array($0[first...t]) }
      let h = states(model, slice, from: start).last!.hidden
      total += summedLoss(model.output, hidden: h, targets: targets.map { $0[t] })
    }
    return total / Double(inputs.count * steps)
  }
}

/// Exercise 10.10: the forward pass through time of the factored recurrent language model.
final class FactoredLanguageModelRunTests: XCTestCase {
  static let hint =
    "Step t looks up the embedding rows of the B words inputs[b][t], runs the cell from the "
    + "state of step t-1 (step 0 from initialState) and keeps every state and every cache; "
    + "Lectures/10-large-vocabularies.md §6."

  func testStatesFollowTheContractStepByStep() throws {
    try exercise {
      let (model, state) = FactoredReference.model(seed: 10_100)
      let run = model.run(FactoredReference.inputs, initialState: state)
      let expected = FactoredReference.states(model, FactoredReference.inputs, from: state)
      assertEqual(run.states.count, 4, "one state per step")
      assertEqual(run.caches.count, 4, "one cell cache per step")
      for t in 0..<min(4, run.states.count) {
        assertClose(
          run.states[t].hidden, expected[t].hidden, tolerance: 1e-12,
          "h after step \(t)", hint: Self.hint)
        assertClose(
          run.states[t].memory, expected[t].memory, tolerance: 1e-12,
          "the cell's memory after step \(t) (the whole state is carried, not only h)",
          hint: Self.hint)
      }
    }
  }

  func testCachesAreTheCellsOwnAtEveryStep() throws {
    try exercise {
      let (model, state) = FactoredReference.model(seed: 10_101)
      let run = model.run(FactoredReference.inputs, initialState: state)
      let expected = FactoredReference.states(model, FactoredReference.inputs, from: state)
      var rng = RandomSource(seed: 10_102)
      // A cache is right when the cell's backward pass gives what it gives on the cell's own.
      for t in 0..<min(4, run.caches.count) {
        let previous = t == 0 ? state : expected[t - 1]
        var x = Matrix.zeros(3, model.embeddingSize)
        for b in 0..<3 { x.setRow(b, model.embedding.row(FactoredReference.inputs[b][t])) }
        let own = model.cell.forward(x, state: previous).cache
        let dState = LeakyState(
          hidden: .gaussian(3, 4, std: 1, rng: &rng), memory: .gaussian(3, 4, std: 1, rng: &rng))
        let fromRun = model.cell.backward(run.caches[t], stateGradient: dState)
        let fromOwn = model.cell.backward(own, stateGradient: dState)
        assertClose(
          fromRun.inputGradient, fromOwn.inputGradient, tolerance: 1e-12,
          "∂L/∂x through the cache of step \(t)", hint: Self.hint)
        assertClose(
          fromRun.previousStateGradient.memory, fromOwn.previousStateGradient.memory,
          tolerance: 1e-12, "∂L/∂(previous memory) through the cache of step \(t)",
          hint: Self.hint)
      }
    }
  }

  func testGoldenStates() throws {
    try exercise {
      // From the reference solution on this seed.
      let (model, state) = FactoredReference.model(seed: 10_110)
      let run = model.run(FactoredReference.inputs, initialState: state)
      assertEqual(run.states.count, 4, "one state per step")
      guard run.states.count == 4 else { return }
      assertClose(
        run.states[3].hidden[1, 2], 0.1010938798520357, tolerance: 1e-12,
        "h after step 3, row 1, unit 2", hint: Self.hint)
      assertClose(
        run.states[3].memory[2, 0], -0.92808903088949268, tolerance: 1e-12,
        "the memory after step 3, row 2, unit 0", hint: Self.hint)
    }
  }

  func testAnEmptyChunkHasNoSteps() throws {
    try exercise {
      let (model, state) = FactoredReference.model(seed: 10_103)
      let run = model.run([[], [], []], initialState: state)
      assertEqual(run.states.count, 0, "states of a chunk of 0 steps")
      assertEqual(run.caches.count, 0, "caches of a chunk of 0 steps")
    }
  }
}

/// Exercise 10.11: the loss and gradients of a chunk, through the whole chunk and through a
/// window of `k` steps.
final class FactoredLanguageModelGradientTests: XCTestCase {
  static let hint =
    "Score the T stacked steps with one call of the output layer, then walk back through time "
    + "adding ∂L/∂h_t of each step; with a window k, the loss of step t goes back only through "
    + "steps t ... t-k+1. Lectures/10-large-vocabularies.md §6 and Lectures/03-bptt.md §4."

  func testWholeChunkGradientsMatchCenteredDifferences() throws {
    try exercise {
      let (model, state) = FactoredReference.model(seed: 10_110)
      let frozen = FactoredReference.states(model, FactoredReference.inputs, from: state)
      let result = model.lossAndGradients(
        FactoredReference.chunk, initialState: state, truncation: nil)
      assertClose(
        result.loss,
        FactoredReference.windowedLoss(model, window: nil, frozen: frozen, initial: state),
        tolerance: 1e-12, "the mean -log p of the 3 x 4 chunk", hint: Self.hint)
      assertGradientsMatch(
        GradientCheck.check(parameters: model, analytic: result.gradients) {
          FactoredReference.windowedLoss($0, window: nil, frozen: frozen, initial: state)
        }, tolerance: 1e-6, hint: Self.hint)
      assertClose(result.finalState.hidden, frozen[3].hidden, tolerance: 1e-12, "final h")
      assertClose(
        result.finalState.memory, frozen[3].memory, tolerance: 1e-12, "final memory",
        hint: "the state after the last step, to carry into the next chunk")
    }
  }

  func testWindowedGradientsMatchTheWindowedLoss() throws {
    try exercise {
      for window in [1, 2, 3] {
        let (model, state) = FactoredReference.model(seed: 10_111 + UInt64(window))
        let frozen = FactoredReference.states(model, FactoredReference.inputs, from: state)
        let result = model.lossAndGradients(
          FactoredReference.chunk, initialState: state, truncation: window)
        assertClose(
          result.loss,
          FactoredReference.windowedLoss(model, window: nil, frozen: frozen, initial: state),
          tolerance: 1e-12,
          "the loss with a window of \(window) (the window changes only "
            + "the gradient)", hint: Self.hint)
        assertGradientsMatch(
          GradientCheck.check(parameters: model, analytic: result.gradients) {
            FactoredReference.windowedLoss($0, window: window, frozen: frozen, initial: state)
          }, tolerance: 1e-6, hint: "window \(window). " + Self.hint)
      }
    }
  }

  func testGoldenLossAndGradientWithAWindowOfTwo() throws {
    try exercise {
      // From the reference solution on this seed.
      let (model, state) = FactoredReference.model(seed: 10_110)
      let result = model.lossAndGradients(
        FactoredReference.chunk, initialState: state, truncation: 2)
      assertClose(
        result.loss, 2.5340279504253576, tolerance: 1e-12, "the loss of the chunk",
        hint: Self.hint)
      assertClose(
        result.gradients.cell.recurrentWeight[0, 1], 0.051782021277120879, tolerance: 1e-12,
        "∂L/∂W_h[0, 1] with a window of 2", hint: Self.hint)
    }
  }

  func testAWindowAsLongAsTheChunkIsTheWholeChunk() throws {
    try exercise {
      let (model, state) = FactoredReference.model(seed: 10_115)
      let whole = model.lossAndGradients(
        FactoredReference.chunk, initialState: state, truncation: nil)
      for window in [4, 9] {
        let windowed = model.lossAndGradients(
          FactoredReference.chunk, initialState: state, truncation: window)
        var expected = whole.gradients
        var actual = windowed.gradients
        var blocks: [(String, Matrix)] = []
        expected.visitParameters { name, block in blocks.append((name, block)) }
        var index = 0
        actual.visitParameters { name, block in
          if index < blocks.count {
            assertClose(
              block, blocks[index].1, tolerance: 1e-12,
              "\(name) with a window of \(window) steps over a chunk of 4", hint: Self.hint)
          }
          index += 1
        }
      }
    }
  }

  func testAnEmptyChunkHasZeroLossAndGradients() throws {
    try exercise {
      let (model, state) = FactoredReference.model(seed: 10_116)
      let chunk = TokenChunk(inputs: [[], [], []], targets: [[], [], []], startsStreams: false)
      let result = model.lossAndGradients(chunk, initialState: state, truncation: nil)
      assertClose(result.loss, 0, tolerance: 0, "the loss of a chunk of 0 steps")
      var gradients = result.gradients
      gradients.visitParameters { name, block in
        assertClose(block.maxAbs(), 0, tolerance: 0, "\(name) of a chunk of 0 steps")
      }
      assertClose(
        result.finalState.hidden, state.hidden, tolerance: 0,
        "the final state of a chunk of 0 steps is the initial state")
    }
  }
}
