import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct RNNTraining.TokenChunk
import struct Unit10.ClassSoftmax
import struct Unit10.FactoredLanguageModel
import struct Unit10.FullSoftmax
import struct Unit10.HierarchicalSoftmax
import struct Unit10.HuffmanTree
import struct Unit10.WordClasses

/// The recurrent language model with a factored output layer (provided), run on the class-based
/// softmax (exercises 10.2, 10.3) and the hierarchical softmax (10.5, 10.6): its loss, its
/// gradients through time, and its distributions over the whole vocabulary.
final class FactoredLanguageModelTests: XCTestCase {
  static let vocabulary = 6
  static let hint =
    "The model stacks the hidden states of the chunk's T steps into one (T B) x H matrix and "
    + "calls the output layer once, so check exercises 10.2/10.3 (class-based softmax) and "
    + "10.5/10.6 (hierarchical softmax) first; Lectures/10-large-vocabularies.md §2-§3."

  /// A chunk of 2 sequences of 3 steps over 6 words.
  static let inputs = [[0, 3, 5], [2, 2, 4]]
  static let targets = [[3, 5, 1], [2, 4, 0]]

  /// A tanh cell (E = 3, H = 4) and a non-zero state to start from.
  static func cell(seed: UInt64) -> (TanhCell, Matrix, Matrix) {
    var rng = RandomSource(seed: seed)
    let cell = TanhCell(inputSize: 3, hiddenSize: 4, rng: &rng)
    let embedding = Matrix.gaussian(vocabulary, 3, std: 0.7, rng: &rng)
    let state = Matrix.gaussian(2, 4, std: 0.5, rng: &rng)
    return (cell, embedding, state)
  }

  static func fullOutput(seed: UInt64) -> FullSoftmax {
    var rng = RandomSource(seed: seed)
    return FullSoftmax(
      weight: .gaussian(vocabulary, 4, std: 0.8, rng: &rng),
      bias: .gaussian(1, vocabulary, std: 0.3, rng: &rng))
  }

  static let classes = WordClasses(members: [[1, 4], [0, 3, 5], [2]])

  static func classOutput(seed: UInt64) -> ClassSoftmax {
    var rng = RandomSource(seed: seed)
    return ClassSoftmax(
      classWeight: .gaussian(3, 4, std: 0.8, rng: &rng),
      classBias: .gaussian(1, 3, std: 0.3, rng: &rng),
      wordWeight: .gaussian(vocabulary, 4, std: 0.8, rng: &rng),
      wordBias: .gaussian(1, vocabulary, std: 0.3, rng: &rng), classes: classes)
  }

  static func treeOutput(seed: UInt64) -> HierarchicalSoftmax {
    var rng = RandomSource(seed: seed)
    return HierarchicalSoftmax(
      nodeWeight: .gaussian(vocabulary - 1, 4, std: 0.8, rng: &rng),
      nodeBias: .gaussian(1, vocabulary - 1, std: 0.3, rng: &rng), tree: Unit10TreeLayers.handTree
    )
  }

  /// The contract's loss of a full-softmax recurrent model, written out step by step.
  static func localFullLoss(
    cell: TanhCell, embedding: Matrix, output: FullSoftmax, state: Matrix
  ) -> Double {
    var h = state
    var total = 0.0
    for t in 0..<inputs[0].count {
      h = cell.forward(embedding.gatherRows(inputs.map { $0[t] }), state: h).state
      for b in 0..<inputs.count {
        let scores = (0..<vocabulary).map { w in
          (0..<4).reduce(output.bias[0, w]) { $0 + h[b, $1] * output.weight[w, $1] }
        }
        let top = scores.max() ?? 0
        let logSum = top + log(scores.reduce(0) { $0 + exp($1 - top) })
        total += logSum - scores[targets[b][t]]
      }
    }
    return total / Double(inputs.count * inputs[0].count)
  }

  func testFullOutputLossMatchesTheContractAndOneClass() throws {
    try exercise {
      let (cell, embedding, state) = Self.cell(seed: 1060)
      let output = Self.fullOutput(seed: 1061)
      let model = FactoredLanguageModel(embedding: embedding, cell: cell, output: output)
      let expected = Self.localFullLoss(
        cell: cell, embedding: embedding, output: output, state: state)
      assertClose(
        model.loss(inputs: Self.inputs, targets: Self.targets, initialState: state), expected,
        tolerance: 1e-12, "mean -log p over the 2 x 3 chunk, full softmax")
      let chunk = TokenChunk(inputs: Self.inputs, targets: Self.targets, startsStreams: false)
      assertClose(
        model.lossAndGradients(chunk, initialState: state, truncation: nil).loss, expected,
        tolerance: 1e-12, "the training loss of the chunk, full softmax")
      // One class holding every word is the full softmax: p(c | h) = 1.
      var rng = RandomSource(seed: 1069)
      let oneClass = ClassSoftmax(
        classWeight: .gaussian(1, 4, std: 1, rng: &rng),
        classBias: .zeros(1, 1), wordWeight: output.weight, wordBias: output.bias,
        classes: WordClasses(members: [[4, 0, 2, 5, 1, 3]]))
      let classModel = FactoredLanguageModel(embedding: embedding, cell: cell, output: oneClass)
      assertClose(
        classModel.loss(inputs: Self.inputs, targets: Self.targets, initialState: state),
        expected, tolerance: 1e-12,
        "a class-based softmax with one class equals the full softmax", hint: Self.hint)
    }
  }

  func testGradientsMatchCenteredDifferences() throws {
    try exercise {
      let (cell, embedding, state) = Self.cell(seed: 1062)
      let chunk = TokenChunk(inputs: Self.inputs, targets: Self.targets, startsStreams: false)
      func check<Output>(_ model: FactoredLanguageModel<TanhCell, Output>, _ what: String) {
        let analytic = model.lossAndGradients(chunk, initialState: state, truncation: nil)
        assertGradientsMatch(
          GradientCheck.check(parameters: model, analytic: analytic.gradients) {
            $0.loss(inputs: Self.inputs, targets: Self.targets, initialState: state)
          }, tolerance: 1e-6, hint: "\(what). " + Self.hint)
        assertClose(
          analytic.finalState,
          model.run(Self.inputs, initialState: state).states[2], tolerance: 0,
          "the state after the chunk (\(what))")
      }
      check(
        FactoredLanguageModel(
          embedding: embedding, cell: cell, output: Self.classOutput(seed: 1063)),
        "class-based softmax")
      check(
        FactoredLanguageModel(
          embedding: embedding, cell: cell, output: Self.treeOutput(seed: 1064)),
        "hierarchical softmax")
      check(
        FactoredLanguageModel(
          embedding: embedding, cell: cell, output: Self.fullOutput(seed: 1065)),
        "full softmax")
    }
  }

  func testProbabilitiesOverTheVocabularySumToOne() throws {
    try exercise {
      let (cell, embedding, state) = Self.cell(seed: 1066)
      func check<Output>(_ model: FactoredLanguageModel<TanhCell, Output>, _ what: String) {
        let logs = model.logProbabilities(inputs: Self.inputs, initialState: state)
        assertEqual(logs.count, 3, "one B x V matrix per step (\(what))")
        for (t, matrix) in logs.enumerated() {
          for b in 0..<2 {
            assertClose(
              matrix.row(b).reduce(0) { $0 + exp($1) }, 1, tolerance: 1e-12,
              "Σ_w p(w | context) at step \(t), row \(b) (\(what))")
          }
        }
        // The same distribution through the training loss: one target at a time.
        let prefix = [Array(Self.inputs[0])]
        let probabilities = (0..<Self.vocabulary).map { w in
          exp(
            -model.loss(
              inputs: prefix, targets: [[3, 5, w]], initialState: state.rowMatrix(0))
              * 3
              + model.loss(
                inputs: [Array(prefix[0].prefix(2))], targets: [[3, 5]],
                initialState: state.rowMatrix(0)) * 2)
        }
        assertClose(
          probabilities.reduce(0, +), 1, tolerance: 1e-10,
          "Σ_w p(w | context) from the loss of each target (\(what))", hint: Self.hint)
        assertClose(
          Matrix(row: probabilities.map { log($0) }), logs[2].rowMatrix(0), tolerance: 1e-10,
          "log p from the loss and from logProbabilities (\(what))")
      }
      check(
        FactoredLanguageModel(
          embedding: embedding, cell: cell, output: Self.classOutput(seed: 1067)),
        "class-based softmax")
      check(
        FactoredLanguageModel(
          embedding: embedding, cell: cell, output: Self.treeOutput(seed: 1068)),
        "hierarchical softmax")
    }
  }
}
