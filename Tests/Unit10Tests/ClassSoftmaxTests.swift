import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit10.ClassSoftmax
import struct Unit10.WordClasses

/// The layers and the test-local loss shared by the tests of exercises 10.2 and 10.3.
enum ClassSoftmaxCases {
  typealias F = Unit10ClassFixtures

  static func layer(seed: UInt64, members: [[Int]] = F.members) -> ClassSoftmax {
    let (cw, cb, ww, wb) = F.blocks(seed: seed, members: members)
    return ClassSoftmax(
      classWeight: cw, classBias: cb, wordWeight: ww, wordBias: wb,
      classes: WordClasses(members: members))
  }

  /// The contract's loss at the layer's parameters (its own forward is never called).
  static func loss(_ layer: ClassSoftmax, hidden: Matrix, targets: [Int] = F.targets) -> Double {
    F.loss(
      classWeight: layer.classWeight, classBias: layer.classBias, wordWeight: layer.wordWeight,
      wordBias: layer.wordBias, members: layer.classes.members, hidden: hidden, targets: targets)
  }
}

/// Exercise 10.2: `ClassSoftmax.lossAndCache(hidden:targets:)`.
final class ClassSoftmaxLossTests: XCTestCase {
  let hint = Unit10ClassFixtures.hint("10.2", "ClassSoftmax.lossAndCache", section: 2)
  typealias F = Unit10ClassFixtures
  typealias C = ClassSoftmaxCases

  func testLossMatchesTheContract() throws {
    try exercise {
      let layer = C.layer(seed: 1020)
      let h = F.hidden(seed: 1021)
      assertClose(
        layer.lossAndCache(hidden: h, targets: F.targets).loss, C.loss(layer, hidden: h),
        tolerance: 1e-12, "mean -log p(w | h) of the batch",
        hint: "-log p(c | h) - log p(w | c, h), the second softmax over the members of the "
          + "target's class only, averaged over the B rows. " + self.hint)
    }
  }

  func testGoldenLoss() throws {
    try exercise {
      let layer = C.layer(seed: 1020)
      let result = layer.lossAndCache(hidden: F.hidden(seed: 1021), targets: F.targets)
      assertClose(
        result.loss, Unit10ClassGoldenValues.loss, tolerance: 1e-12, "golden loss",
        hint: self.hint)
    }
  }

  /// For every context, `Σ_w p(w | h) = 1`: through the provided full-vocabulary method, and
  /// through the exercise's loss on each word of the vocabulary as the target.
  func testProbabilitiesSumToOneForEveryContext() throws {
    try exercise {
      let layer = C.layer(seed: 1022)
      let h = F.hidden(seed: 1023, rows: 4)
      let all = layer.logProbabilities(hidden: h)
      let words = layer.vocabularySize
      for b in 0..<h.rows {
        let provided = (0..<words).reduce(0.0) { $0 + exp(all[b, $1]) }
        assertClose(provided, 1, tolerance: 1e-12, "Σ_w p(w | h_\(b)) from logProbabilities")
        let context = h.rowMatrix(b)
        var total = 0.0
        for w in 0..<words {
          let loss = layer.lossAndCache(hidden: context, targets: [w]).loss
          assertClose(
            -loss, all[b, w], tolerance: 1e-12, "log p(\(w) | h_\(b))",
            hint: "The loss of a batch of one row is -log p(w | h). " + self.hint)
          total += exp(-loss)
        }
        assertClose(
          total, 1, tolerance: 1e-12, "Σ_w exp(-loss) over every target word, context \(b)",
          hint: "Normalize the word softmax over the members of the class, not over V. "
            + self.hint)
      }
    }
  }

  /// The batch repeated twice has the same mean loss.
  func testLossIsAMeanOverTheBatch() throws {
    try exercise {
      let layer = C.layer(seed: 1024)
      let h = F.hidden(seed: 1025)
      let once = layer.lossAndCache(hidden: h, targets: F.targets).loss
      let twice = layer.lossAndCache(hidden: .vstack([h, h]), targets: F.targets + F.targets).loss
      assertClose(
        twice, once, tolerance: 1e-12, "loss of the batch repeated twice",
        hint: "Average over the rows, do not sum. " + self.hint)
    }
  }

  /// Hidden states of a few hundred give scores near ±1000: the loss stays finite and matches
  /// the shifted reference.
  func testStableAtExtremeScores() throws {
    try exercise {
      let layer = C.layer(seed: 1026)
      let h = F.hidden(seed: 1027, scale: 500)
      let result = layer.lossAndCache(hidden: h, targets: F.targets)
      assertFinite(result.loss, "loss with scores near ±1000. " + self.hint)
      assertClose(
        result.loss, C.loss(layer, hidden: h), tolerance: 1e-12, "loss with scores near ±1000",
        hint: "Shift each softmax by its own maximum before exp. " + self.hint)
    }
  }

  func testEmptyBatch() throws {
    try exercise {
      let layer = C.layer(seed: 1028)
      let result = layer.lossAndCache(hidden: .zeros(0, F.hiddenSize), targets: [])
      assertClose(result.loss, 0, tolerance: 0, "loss of an empty batch", hint: self.hint)
    }
  }
}

/// Exercise 10.3: `ClassSoftmax.backward(_:)` (its tests call 10.2's forward for the cache).
final class ClassSoftmaxBackwardTests: XCTestCase {
  let hint = Unit10ClassFixtures.hint("10.3", "ClassSoftmax.backward", section: 2)
  typealias F = Unit10ClassFixtures
  typealias C = ClassSoftmaxCases

  func testGradientCheck() throws {
    try exercise {
      let layer = C.layer(seed: 1030)
      let h = F.hidden(seed: 1031)
      let result = layer.backward(layer.lossAndCache(hidden: h, targets: F.targets).cache)
      assertGradientsMatch(
        GradientCheck.check(parameters: layer, analytic: result.gradients) {
          C.loss($0, hidden: h)
        }, tolerance: 1e-7, hint: "the four parameter blocks. " + self.hint)
      assertGradientsMatch(
        GradientCheck.check(input: h, named: "hidden", analytic: result.hiddenGradient) {
          C.loss(layer, hidden: $0)
        }, tolerance: 1e-7,
        hint: "∂L/∂h collects both paths: the class scores and the word scores. " + self.hint)
    }
  }

  func testGoldenGradients() throws {
    try exercise {
      let layer = C.layer(seed: 1020)
      let h = F.hidden(seed: 1021)
      let result = layer.backward(layer.lossAndCache(hidden: h, targets: F.targets).cache)
      assertClose(
        result.hiddenGradient, Unit10ClassGoldenValues.hiddenGradient, tolerance: 1e-10,
        "golden ∂L/∂h", hint: self.hint)
      assertClose(
        result.gradients.classBias, Unit10ClassGoldenValues.classBiasGradient, tolerance: 1e-10,
        "golden ∂L/∂bc", hint: self.hint)
      assertClose(
        result.gradients.wordBias, Unit10ClassGoldenValues.wordBiasGradient, tolerance: 1e-10,
        "golden ∂L/∂bw", hint: self.hint)
    }
  }

  /// Only the classes of the batch's targets are ever scored, so the rows of `wordWeight` (and
  /// the entries of `wordBias`) of every other word get exactly zero; every member of a
  /// target's class gets a gradient, not just the target.
  func testOnlyTheTargetClassesRowsGetGradient() throws {
    try exercise {
      let layer = C.layer(seed: 1032)
      let h = F.hidden(seed: 1033)
      let gradients = layer.backward(layer.lossAndCache(hidden: h, targets: F.targets).cache)
        .gradients
      let touched = Set(F.targets.flatMap { w in F.members.first { $0.contains(w) } ?? [] })
      for w in 0..<layer.vocabularySize {
        let row = gradients.wordWeight.rowMatrix(w)
        if touched.contains(w) {
          assertGreater(
            row.maxAbs(), 0,
            "largest |∂L/∂Ww| in the row of word \(w), a member of a target's class. "
              + self.hint)
        } else {
          assertClose(
            row, .zeros(1, layer.hiddenSize), tolerance: 0,
            "∂L/∂Ww in the row of word \(w), whose class holds no target",
            hint: "Only the members of the target's class are scored. " + self.hint)
          assertClose(
            gradients.wordBias[0, w], 0, tolerance: 0,
            "∂L/∂bw of word \(w), whose class holds no target", hint: self.hint)
        }
      }
    }
  }

  /// The batch repeated twice has the same gradients of the blocks.
  func testGradientsAreMeansOverTheBatch() throws {
    try exercise {
      let layer = C.layer(seed: 1034)
      let h = F.hidden(seed: 1035)
      let once = layer.backward(layer.lossAndCache(hidden: h, targets: F.targets).cache)
      let twice = layer.backward(
        layer.lossAndCache(hidden: .vstack([h, h]), targets: F.targets + F.targets).cache)
      for (name, block) in once.gradients.namedParameters {
        let doubled = twice.gradients.namedParameters.first { $0.name == name }?.value
        assertClose(
          doubled ?? .zeros(0, 0), block, tolerance: 1e-12,
          "∂L/∂\(name) of the batch repeated twice",
          hint: "Divide every gradient by B. " + self.hint)
      }
    }
  }

  func testFiniteAtExtremeScores() throws {
    try exercise {
      let layer = C.layer(seed: 1036)
      let h = F.hidden(seed: 1037, scale: 500)
      let result = layer.backward(layer.lossAndCache(hidden: h, targets: F.targets).cache)
      assertFinite(result.hiddenGradient, "∂L/∂h with scores near ±1000. " + self.hint)
      for (name, block) in result.gradients.namedParameters {
        assertFinite(block, "∂L/∂\(name) with scores near ±1000")
      }
    }
  }

  func testShapesAndTheEmptyBatch() throws {
    try exercise {
      let layer = C.layer(seed: 1038)
      let empty = layer.backward(
        layer.lossAndCache(hidden: .zeros(0, F.hiddenSize), targets: []).cache)
      assertEqual(empty.hiddenGradient.rows, 0, "rows of ∂L/∂h of an empty batch")
      assertEqual(empty.hiddenGradient.cols, F.hiddenSize, "columns of ∂L/∂h of an empty batch")
      for (name, block) in empty.gradients.namedParameters {
        assertClose(block.maxAbs(), 0, tolerance: 0, "largest |∂L/∂\(name)| of an empty batch")
      }
      let h = F.hidden(seed: 1039)
      let result = layer.backward(layer.lossAndCache(hidden: h, targets: F.targets).cache)
      assertEqual(result.hiddenGradient.rows, h.rows, "rows of ∂L/∂h")
      assertEqual(result.hiddenGradient.cols, h.cols, "columns of ∂L/∂h")
      for ((name, block), (_, value)) in zip(
        result.gradients.namedParameters, layer.namedParameters)
      {
        assertEqual(block.shapeDescription, value.shapeDescription, "shape of ∂L/∂\(name)")
      }
      assertEqual(result.gradients.classes, layer.classes, "classes of the gradient layer")
    }
  }
}
