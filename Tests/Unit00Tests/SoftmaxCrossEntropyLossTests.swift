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
      // The row maxima are 1000, 1000 and -199: they differ by far more than exp can bridge,
      // so the shift must be each row's own maximum, not the batch's.
      let logits = Matrix([[1000, -1000, 0], [-1000, 1000, 0], [-200, -201.5, -199]])
      let loss = SoftmaxCrossEntropy.loss(logits: logits, targets: [0, 0, 1])
      assertFinite(loss, "loss at logits ±1000 and -200")
      // Row 1 is certain and right (loss 0), row 2 misses by 2000, row 3 costs
      // log(e^-1 + e^-2.5 + e^0) + 2.5 (shifted by its maximum -199).
      let third = log(exp(-1) + exp(-2.5) + 1) + 2.5
      assertClose(
        loss, (0 + 2000 + third) / 3, tolerance: 1e-12, "loss at logits ±1000 and -200",
        hint: "Subtract each row's own maximum before exponentiating (log-sum-exp). " + self.hint)
    }
  }

  func testRowsFarBelowTheBatchMaximumKeepTheirLoss() throws {
    try exercise {
      // One row near +1000 and one near -200 in the same batch: a shift by the batch-wide
      // maximum would underflow every exponential of the second row to 0.
      let logits = Matrix([[1001.5, 999, 1000.25, 998], [-200.75, -199, -203, -201.5]])
      let loss = SoftmaxCrossEntropy.loss(logits: logits, targets: [2, 3])
      let expected =
        (CrossEntropy.loss(logits: logits.rowMatrix(0), targets: [2])
          + CrossEntropy.loss(logits: logits.rowMatrix(1), targets: [3])) / 2
      assertFinite(loss, "loss of rows near +1000 and -200")
      assertClose(
        loss, expected, tolerance: 1e-12, "loss of rows near +1000 and -200",
        hint: "Shift each row by its own maximum. " + self.hint)
    }
  }

  func testAddingAConstantToARowChangesNothing() throws {
    try exercise {
      let (logits, targets) = Fixtures.logits()
      // A different constant for each row: the shifted row maxima differ by about 1200.
      let offsets = [900.0, -300, 0, 450]
      let shifted = Matrix(rows: logits.rows, cols: logits.cols) { i, j in
        logits[i, j] + offsets[i]
      }
      assertClose(
        SoftmaxCrossEntropy.loss(logits: shifted, targets: targets), 2.1810266632921427,
        tolerance: 1e-9, "loss of logits with a constant added to each row", hint: self.hint)
    }
  }
}
