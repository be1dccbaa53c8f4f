import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit02.ElmanCell
import enum Unit02.RecurrentActivation

/// Exercise 04.3: `ElmanCell.identityReLU`, the IRNN initialization.
final class IdentityInitializationTests: XCTestCase {
  let hint =
    "Check ElmanCell.identityReLU (exercise 04.3, Lectures/04-gradient-clipping.md §5)."

  func testRecurrentWeightIsTheScaledIdentityAndTheBiasIsZero() throws {
    try exercise {
      var rng = RandomSource(seed: 4030)
      let cell = ElmanCell.identityReLU(inputSize: 3, hiddenSize: 5, rng: &rng)
      assertClose(
        cell.recurrentWeight, .identity(5), tolerance: 0, "W_hh = I (5x5)", hint: self.hint)
      assertClose(cell.bias, .zeros(1, 5), tolerance: 0, "b = 0", hint: self.hint)
      assertEqual(cell.activation, .relu, "the IRNN uses ReLU units. \(self.hint)")
      assertEqual(cell.inputWeight.rows, 5, "W_hx is H x E = 5x3. \(self.hint)")
      assertEqual(cell.inputWeight.cols, 3, "W_hx is H x E = 5x3. \(self.hint)")
      let scaled = ElmanCell.identityReLU(
        inputSize: 3, hiddenSize: 4, recurrentScale: 0.5, rng: &rng)
      assertClose(
        scaled.recurrentWeight, .identity(4, scale: 0.5), tolerance: 0,
        "W_hh with recurrentScale 0.5",
        hint: "recurrentScale multiplies the identity. " + self.hint)
    }
  }

  func testInputWeightsAreSmallGaussians() throws {
    try exercise {
      var rng = RandomSource(seed: 4031)
      let cell = ElmanCell.identityReLU(
        inputSize: 40, hiddenSize: 50, inputStd: 0.01, rng: &rng)
      let w = cell.inputWeight
      let mean = w.mean()
      let std = (w.map { ($0 - mean) * ($0 - mean) }.mean()).squareRoot()
      assertLess(
        abs(mean), 4 * 0.01 / Double(w.count).squareRoot(),
        "mean of W_hx, which should be 0. \(self.hint)")
      assertEqual(
        std, 0.01, accuracy: 0.001,
        "standard deviation of W_hx, which should be inputStd = 0.01. \(self.hint)")
    }
  }
  func testRecurrentScalesAboveAndBelowOne() throws {
    try exercise {
      var rng = RandomSource(seed: 4032)
      for (scale, hidden) in [(0.25, 3), (0.9, 6), (1.5, 4), (2.0, 1)] {
        let cell = ElmanCell.identityReLU(
          inputSize: 2, hiddenSize: hidden, recurrentScale: scale, rng: &rng)
        assertClose(
          cell.recurrentWeight, .identity(hidden, scale: scale), tolerance: 1e-12,
          "W_hh with recurrentScale \(scale) (H = \(hidden))",
          hint: "W_hh = recurrentScale · I, for any scale. " + self.hint)
        assertClose(
          cell.bias, .zeros(1, hidden), tolerance: 0, "b = 0 with recurrentScale \(scale)",
          hint: self.hint)
      }
    }
  }

  func testInputStandardDeviationFollowsTheArgument() throws {
    try exercise {
      var rng = RandomSource(seed: 4033)
      // The default inputStd (0.001), and a larger one together with a scale above 1.
      let cells = [
        (0.001, ElmanCell.identityReLU(inputSize: 40, hiddenSize: 50, rng: &rng)),
        (
          0.5,
          ElmanCell.identityReLU(
            inputSize: 40, hiddenSize: 50, inputStd: 0.5, recurrentScale: 2, rng: &rng)
        ),
      ]
      for (std, cell) in cells {
        let w = cell.inputWeight
        let mean = w.mean()
        let sample = (w.map { ($0 - mean) * ($0 - mean) }.mean()).squareRoot()
        assertLess(
          abs(mean), 4 * std / Double(w.count).squareRoot(),
          "mean of W_hx (inputStd \(std)), which should be 0. \(self.hint)")
        assertEqual(
          sample, std, accuracy: std / 10,
          "standard deviation of W_hx, which should be inputStd = \(std). \(self.hint)")
      }
    }
  }
}
