import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit00.SoftmaxCrossEntropy

/// Exercise 00.3: `SoftmaxCrossEntropy.loss`.
final class SoftmaxCrossEntropyLossTests: XCTestCase {
  let hint = "Check SoftmaxCrossEntropy.loss (exercise 00.3, Lectures/00-warm-up.md §5)."

  func testLossMatchesGoldenValue() throws {
    try exercise {
      let (logits, targets) = Fixtures.logits()
      assertClose(
        SoftmaxCrossEntropy.loss(logits: logits, targets: targets), 2.1810266632921427,
        "loss", hint: self.hint)
    }
  }

  func testEqualLogitsGiveLogOfTheNumberOfClasses() throws {
    try exercise {
      let loss = SoftmaxCrossEntropy.loss(logits: .zeros(3, 5), targets: [0, 3, 4])
      assertClose(
        loss, log(5.0), "loss of equal logits",
        hint: "A uniform guess over 5 classes costs log 5 nats. " + self.hint)
    }
  }

  func testLossIsFiniteAndRightAtExtremeLogits() throws {
    try exercise {
      let logits = Matrix([[1000, -1000, 0], [-1000, 1000, 0]])
      let loss = SoftmaxCrossEntropy.loss(logits: logits, targets: [0, 0])
      assertFinite(loss, "loss at logits ±1000")
      // Row 1 is certain and right (loss 0), row 2 misses by 2000: the mean is 1000.
      assertClose(
        loss, 1000, "loss at logits ±1000",
        hint: "Subtract the row maximum before exponentiating (log-sum-exp). " + self.hint)
    }
  }

  func testAddingAConstantToARowChangesNothing() throws {
    try exercise {
      let (logits, targets) = Fixtures.logits()
      let shifted = logits + 300
      assertClose(
        SoftmaxCrossEntropy.loss(logits: shifted, targets: targets), 2.1810266632921427,
        tolerance: 1e-9, "loss of logits + 300", hint: self.hint)
    }
  }
}
