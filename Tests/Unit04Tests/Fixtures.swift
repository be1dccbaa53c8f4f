import CourseTestSupport
import Foundation
import RNNCore

import struct RNNTraining.LanguageModelScore
import struct RNNTraining.TokenChunk
import protocol RNNTraining.TrainableLanguageModel

/// Seeded gradients for the unit 04 tests.
enum Fixtures {
  /// Three blocks of different shapes and scales (global norm about 17).
  static func gradients() -> ParameterStore {
    var rng = RandomSource(seed: 4004)
    return ParameterStore([
      ("W_hh", .gaussian(3, 4, std: 3, rng: &rng)),
      ("b", .gaussian(1, 5, std: 0.5, rng: &rng)),
      ("W_s", .gaussian(2, 2, std: 6, rng: &rng)),
    ])
  }

  /// A random store: 1 to 4 blocks of random shapes whose scales range from 1e-6 to 1e6.
  static func randomGradients(_ rng: inout RandomSource) -> ParameterStore {
    var store = ParameterStore()
    for k in 0..<(1 + rng.int(below: 4)) {
      let scale = pow(10, rng.uniform(-6, 6))
      store["block\(k)"] = .gaussian(
        1 + rng.int(below: 4), 1 + rng.int(below: 5), std: scale, rng: &rng)
    }
    return store
  }

  /// The cosine of the angle between two stores read as flat vectors.
  static func cosine(_ a: ParameterStore, _ b: ParameterStore) -> Double {
    var dot = 0.0
    for ((_, x), (_, y)) in zip(a.namedParameters, b.namedParameters) { dot += x.dot(y) }
    return dot / (a.globalNorm * b.globalNorm)
  }
}

/// Asserts that two sets of parameters hold the same blocks in the same order with values equal
/// to a relative `tolerance` (0: identical, what `==` on a `ParameterStore` checks), so that
/// every element reaches the grader.
func assertSameBlocks(
  _ actual: some Parameterized, _ expected: some Parameterized, tolerance: Double = 0,
  _ what: String, hint: String = "", file: StaticString = #filePath, line: UInt = #line
) {
  let names = actual.namedParameters.map(\.name)
  let expectedNames = expected.namedParameters.map(\.name)
  assertEqual(names, expectedNames, "\(what): block names", file: file, line: line)
  guard names == expectedNames else { return }
  for ((name, a), (_, e)) in zip(actual.namedParameters, expected.namedParameters) {
    assertClose(
      a, e, tolerance: tolerance, "\(what): block \(name)", hint: hint, file: file, line: line)
  }
}

/// A stand-in language model for trainer tests: its "gradient" on every chunk is a fixed,
/// large store, so what the optimizer receives can be compared with what clipping should make
/// of it. It involves no exercise code.
struct ConstantGradientModel: TrainableLanguageModel {
  var parameters: ParameterStore
  var gradient: ParameterStore

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try parameters.visitParameters(body)
  }

  func initialState(batchSize: Int) -> Int { 0 }

  func lossAndGradients(
    _ chunk: TokenChunk, initialState: Int, truncation: Int?
  ) -> (loss: Double, gradients: ConstantGradientModel, finalState: Int) {
    var copy = self
    copy.parameters = gradient
    return (1, copy, initialState + 1)
  }

  func score(_ tokens: [Int], steps: Int) -> LanguageModelScore {
    LanguageModelScore(meanLoss: 1, perplexity: exp(1), tokens: max(tokens.count - 1, 0))
  }
}

/// An optimizer that records the gradients it is given and changes nothing.
struct RecordingOptimizer: Optimizer {
  var received: [ParameterStore] = []

  mutating func step<P: Parameterized>(_ parameters: inout P, gradients: P) {
    received.append(ParameterStore(gradients.namedParameters.map { ($0.name, $0.value) }))
  }
}
