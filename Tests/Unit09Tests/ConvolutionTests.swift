import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit09.Convolution1D

/// Shared helpers of exercises 09.5 and 09.6: banks of widths 2, 3 and 4 over embeddings of
/// width 3, four filters each, and sentences of 7, 4, 3, 1 and 0 words (shorter than some
/// filters).
enum ConvolutionFixtures {
  typealias F = Unit09Fixtures
  static let lengths = [7, 4, 3, 1, 0]

  static func convolution(seed: UInt64) -> Convolution1D {
    let banks = F.banks(seed: seed)
    return Convolution1D(widths: F.widths, weights: banks.weights, biases: banks.biases)
  }

  static func reference(_ c: Convolution1D, _ x: Matrix) -> Matrix {
    F.convolutionFeatures(x, weights: c.weights, biases: c.biases, widths: c.widths)
  }
}

/// Exercise 09.5: `Convolution1D.forward(_:)`.
final class ConvolutionForwardTests: XCTestCase {
  let hint = Unit09Fixtures.hint("09.5", "Convolution1D.forward", section: 5)
  typealias F = Unit09Fixtures
  typealias C = ConvolutionFixtures

  func testFeaturesMatchTheReference() throws {
    try exercise {
      let c = C.convolution(seed: 950)
      for (k, n) in C.lengths.enumerated() {
        let x = F.sentenceMatrix(seed: 951 + UInt64(k), length: n)
        let features = c.forward(x).features
        assertEqual(features.rows, 1, "rows of the features of a \(n)-word sentence")
        assertEqual(features.cols, 12, "columns of the features of a \(n)-word sentence")
        guard features.rows == 1, features.cols == 12 else { continue }
        assertClose(
          features, C.reference(c, x), tolerance: 1e-12,
          "features of a \(n)-word sentence",
          hint: "Windows of w consecutive rows at positions 0...n-w, ReLU, the largest value "
            + "of each filter, banks in the order of the widths. " + self.hint)
      }
    }
  }

  func testGoldenValues() throws {
    try exercise {
      let c = C.convolution(seed: 950)
      let features = c.forward(F.sentenceMatrix(seed: 951, length: 7)).features
      assertClose(
        features, Unit09GoldenValues.convolutionFeatures, tolerance: 1e-12,
        "golden features of a 7-word sentence", hint: self.hint)
    }
  }

  /// A window of `w` rows exists only when the sentence has `w` rows; the last window starts at
  /// `n - w`. Putting a large value in the last row shows whether that window is read.
  func testTheLastWindowEndsAtTheLastWord() throws {
    try exercise {
      let c = C.convolution(seed: 952)
      var x = F.sentenceMatrix(seed: 953, length: 6)
      for j in 0..<x.cols { x[5, j] = 4 * Double(j + 1) - 6 }
      assertClose(
        c.forward(x).features, C.reference(c, x), tolerance: 1e-12,
        "features of a sentence whose last word stands out",
        hint: "Position i reads rows i..<i+w, for every i from 0 to n - w. " + self.hint)
    }
  }

  /// Shorter than a filter: padded with zero rows up to the filter's width (one window).
  func testShortSentencesArePaddedWithZeroRows() throws {
    try exercise {
      let c = C.convolution(seed: 954)
      for n in 0..<4 {
        let x = F.sentenceMatrix(seed: 955 + UInt64(n), length: n)
        assertClose(
          c.forward(x).features, C.reference(c, x), tolerance: 1e-12,
          "features of a \(n)-word sentence (shorter than some filters)",
          hint: "Pad a short sentence with zero rows up to the width: one window. " + self.hint)
      }
    }
  }

  /// Biases of -100 switch every filter off; of +100 every feature is its best pre-activation.
  func testReLUAfterTheMaximum() throws {
    try exercise {
      var c = C.convolution(seed: 956)
      let x = F.sentenceMatrix(seed: 957, length: 5)
      c.biases = c.biases.map { $0 - 100 }
      assertClose(
        c.forward(x).features, .zeros(1, 12), tolerance: 0,
        "features of filters whose every window is negative",
        hint: "A negative maximum gives a feature of 0 (ReLU). " + self.hint)
      c.biases = c.biases.map { $0 + 200 }
      assertClose(
        c.forward(x).features, C.reference(c, x), tolerance: 1e-12,
        "features of filters whose every window is positive", hint: self.hint)
    }
  }
}

/// Exercise 09.6: `Convolution1D.backward(_:featureGradient:)`. The caches come from `forward`,
/// so a mistake in 09.5 can fail these tests too.
final class ConvolutionBackwardTests: XCTestCase {
  let hint = Unit09Fixtures.hint("09.6", "Convolution1D.backward", section: 5)
  typealias F = Unit09Fixtures
  typealias C = ConvolutionFixtures

  /// Centered differences of `Σ R ⊙ features` on every bank and on the sentence. The fixture
  /// is checked first: no filter's best window is within 1e-3 of its runner-up or of 0, so the
  /// step never crosses a kink of max or ReLU.
  func testGradientCheck() throws {
    try exercise {
      let c = C.convolution(seed: 960)
      let r = F.projection(rows: 1, cols: 12, seed: 961)
      for (k, n) in C.lengths.enumerated() {
        let x = F.sentenceMatrix(seed: 962 + UInt64(k), length: n)
        let margin = F.kinkMargin(x, weights: c.weights, biases: c.biases, widths: c.widths)
        assertGreater(margin, 1e-3, "fixture: distance of the \(n)-word sentence from a kink")
        let forward = c.forward(x)
        let back = c.backward(forward.cache, featureGradient: r)
        assertGradientsMatch(
          GradientCheck.check(parameters: c, analytic: back.gradients) {
            C.reference($0, x).dot(r)
          }, tolerance: 1e-7, hint: "the banks, a \(n)-word sentence. " + self.hint)
        assertEqual(back.inputGradient.rows, n, "rows of ∂L/∂X of a \(n)-word sentence")
        guard n > 0, back.inputGradient.rows == n else { continue }
        assertGradientsMatch(
          GradientCheck.check(input: x, named: "X", analytic: back.inputGradient) {
            C.reference(c, $0).dot(r)
          }, tolerance: 1e-7, hint: "the sentence, \(n) words. " + self.hint)
      }
    }
  }

  func testGoldenValues() throws {
    try exercise {
      let c = C.convolution(seed: 960)
      let x = F.sentenceMatrix(seed: 962, length: 7)
      let back = c.backward(
        c.forward(x).cache, featureGradient: F.projection(rows: 1, cols: 12, seed: 961))
      assertClose(
        back.inputGradient, Unit09GoldenValues.convolutionInputGradient, tolerance: 1e-10,
        "golden ∂L/∂X of a 7-word sentence", hint: self.hint)
    }
  }

  /// Rows `u v u v u`: windows 0 and 2 of width 2 are the same, so every filter of that bank
  /// has a tie; the gradient goes to the earliest winning window only.
  func testTiesSendTheGradientToTheEarliestWindow() throws {
    try exercise {
      let banks = F.banks(seed: 963, widths: [2], filters: 3)
      let c = Convolution1D(widths: [2], weights: banks.weights, biases: banks.biases)
      let u = [0.6, -0.4, 1.1]
      let v = [-0.3, 0.8, 0.5]
      let x = Matrix([u, v, u, v, u])
      let r = Matrix([[1.5, -0.7, 2.0]])
      let back = c.backward(c.forward(x).cache, featureGradient: r)
      let scores = F.windowScores(x, weight: c.weights[0], bias: c.biases[0], width: 2)
      var expected = Matrix.zeros(5, 3)
      for f in 0..<3 {
        let column = scores.map { $0[f] }
        guard let best = column.indices.max(by: { column[$0] < column[$1] }),
          let first = column.firstIndex(of: column[best]), column[best] > 0
        else { continue }
        for row in 0..<2 {
          for j in 0..<3 { expected[first + row, j] += r[0, f] * c.weights[0][f, row * 3 + j] }
        }
      }
      assertClose(
        back.inputGradient, expected, tolerance: 1e-12, "∂L/∂X with tied windows",
        hint: "On a tie the earliest window wins and takes the whole gradient. " + self.hint)
    }
  }

  /// A filter switched off by the ReLU passes no gradient, to its weights or to the words.
  func testSwitchedOffFiltersPassNoGradient() throws {
    try exercise {
      var c = C.convolution(seed: 964)
      c.biases = c.biases.map { $0 - 100 }
      let x = F.sentenceMatrix(seed: 965, length: 6)
      let back = c.backward(
        c.forward(x).cache, featureGradient: F.projection(rows: 1, cols: 12, seed: 966))
      assertClose(
        back.inputGradient, .zeros(6, 3), tolerance: 0, "∂L/∂X when every filter is off",
        hint: "The ReLU's derivative is 0 where the best pre-activation is negative. "
          + self.hint)
      for (k, w) in c.widths.enumerated() {
        assertClose(
          back.gradients.weights[k], .zeros(4, 3 * w), tolerance: 0,
          "∂L/∂W\(w) when every filter is off", hint: self.hint)
        assertClose(
          back.gradients.biases[k], .zeros(1, 4), tolerance: 0,
          "∂L/∂b\(w) when every filter is off", hint: self.hint)
      }
    }
  }
}
