import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit02.SequenceLoss

/// Exercise 02.3: `SequenceLoss.meanCrossEntropy`, the mean over every sequence and step.
final class SequenceLossTests: XCTestCase {
  let hint = "Check SequenceLoss.meanCrossEntropy (exercise 02.3, Lectures/02-elman-rnn.md §5)."

  /// Three steps of 2x5 logits (`T = 3`, `B = 2`) with large spreads.
  static func logits() -> [Matrix] {
    var rng = RandomSource(seed: 2005)
    return (0..<3).map { _ in Matrix.gaussian(2, 5, std: 2, rng: &rng) }
  }

  func testLossMatchesGoldenValue() throws {
    try exercise {
      let loss = SequenceLoss.meanCrossEntropy(logits: Self.logits(), targets: Fixtures.targets)
      assertClose(loss, 1.7244895464868193, "mean cross-entropy", hint: self.hint)
    }
  }

  func testAveragesOverEverySequenceAndStep() throws {
    try exercise {
      let logits = Self.logits()
      // The kit's own per-step loss (summed over the batch), added up over time.
      var total = 0.0
      for t in 0..<3 {
        total += CrossEntropy.loss(
          logits: logits[t], targets: Fixtures.targets.map { $0[t] }, reduction: .sum)
      }
      assertClose(
        SequenceLoss.meanCrossEntropy(logits: logits, targets: Fixtures.targets), total / 6,
        "mean cross-entropy over B = 2 sequences and T = 3 steps",
        hint: "Divide the summed loss by B·T, the number of predicted tokens; targets[b][t] is "
          + "the target of row b of logits[t]. " + self.hint)
    }
  }

  func testEqualLogitsCostLogV() throws {
    try exercise {
      let logits = [Matrix](repeating: .zeros(2, 7), count: 4)
      let targets = [[0, 6, 3, 2], [1, 1, 5, 4]]
      assertClose(
        SequenceLoss.meanCrossEntropy(logits: logits, targets: targets), log(7.0),
        "loss of uniform predictions over 7 tokens", hint: self.hint)
    }
  }

  func testIsFiniteAndRightAtExtremeLogits() throws {
    try exercise {
      // Step 0: both rows certain and right (loss 0); their maxima, 1000 and -200, differ by
      // 1200. Step 1: row 0 misses by 2000, row 1 by 800. Mean: 2800 / 4 = 700.
      let logits = [
        Matrix([[1000, -1000, 0], [-200, -1000, -1200]]),
        Matrix([[1000, -1000, 0], [-1000, -200, -1200]]),
      ]
      let loss = SequenceLoss.meanCrossEntropy(logits: logits, targets: [[0, 1], [0, 0]])
      assertFinite(loss, "loss at logits ±1000")
      assertClose(
        loss, 700, "loss at logits ±1000",
        hint: "Compute log-softmax through log-sum-exp, each row shifted by its own maximum; "
          + "log(softmax) underflows to log 0, and one maximum for the whole batch underflows "
          + "for the rows far below it. " + self.hint)
    }
  }

  func testEachRowOfAStepIsShiftedByItsOwnMaximum() throws {
    try exercise {
      // In every step, one row sits near +1000, one near -200 and one near 0: shifted by the
      // batch's maximum, the row near -200 would underflow to log 0.
      var rng = RandomSource(seed: 2006)
      let offsets = [1000.0, -200, 0]
      let logits = (0..<2).map { _ in
        let noise = Matrix.gaussian(3, 4, std: 2, rng: &rng)
        return Matrix(rows: 3, cols: 4) { r, c in offsets[r] + noise[r, c] }
      }
      let targets = [[3, 0], [1, 2], [0, 0]]
      var total = 0.0
      for (t, step) in logits.enumerated() {
        for b in 0..<3 {
          let row = step.row(b)
          let top = row.max() ?? 0
          total += top + log(row.reduce(0) { $0 + exp($1 - top) }) - row[targets[b][t]]
        }
      }
      let loss = SequenceLoss.meanCrossEntropy(logits: logits, targets: targets)
      assertFinite(loss, "loss with row maxima near +1000, -200 and 0")
      assertClose(
        loss, total / 6, tolerance: 1e-12, "loss with row maxima near +1000, -200 and 0",
        hint: "Shift each row by its own maximum before exponentiating. " + self.hint)
    }
  }
}

/// Exercise 02.4: `SequenceLoss.perplexity`.
final class PerplexityTests: XCTestCase {
  let hint = "Check SequenceLoss.perplexity (exercise 02.4, Lectures/02-elman-rnn.md §5)."

  func testUniformModelHasPerplexityV() throws {
    try exercise {
      for v in [2, 10, 10_000] {
        assertClose(
          SequenceLoss.perplexity(meanCrossEntropy: log(Double(v))), Double(v),
          tolerance: 1e-12, "perplexity of a uniform guess over \(v) tokens",
          hint: "The loss is in nats (natural log), so perplexity is e^J. " + self.hint)
      }
    }
  }

  func testCertainModelHasPerplexityOne() throws {
    try exercise {
      assertClose(
        SequenceLoss.perplexity(meanCrossEntropy: 0), 1, "perplexity of loss 0", hint: self.hint)
    }
  }

  func testMatchesGoldenValue() throws {
    try exercise {
      assertClose(
        SequenceLoss.perplexity(meanCrossEntropy: 1.75), 5.754602676005731, tolerance: 1e-12,
        "perplexity of 1.75 nats", hint: self.hint)
    }
  }
}
