import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct RNNData.WordVectors
import func Unit09.pretrainedEmbedding

/// Exercise 09.9: `pretrainedEmbedding(vocabulary:vectors:fallbackStd:rng:)`.
final class PretrainedEmbeddingTests: XCTestCase {
  let hint = Unit09Fixtures.hint("09.9", "pretrainedEmbedding", section: 8)

  /// Vectors of dimension 3 for lowercase words (and one capitalized word, `Paris`).
  static let vectors = WordVectors(
    dimension: 3, words: ["the", "good", "bad", "film", "Paris", "paris"],
    vectors: [
      [0.5, -1.25, 2], [1.5, 0.25, -0.75], [-2, 0.5, 1], [0.125, 3, -1], [9, 9, 9],
      [-9, -9, -9],
    ])

  /// The contract's random rows: mean 0 and the standard deviation of every number of the
  /// covered rows, drawn in row order.
  static func expected(
    _ vocabulary: [String], vectors: WordVectors, fallback: Double, seed: UInt64
  ) -> (Matrix, Int) {
    let found = vocabulary.map { vectors.vector(for: $0) ?? vectors.vector(for: $0.lowercased()) }
    let numbers = found.compactMap { $0 }.flatMap { $0 }
    var std = fallback
    if !numbers.isEmpty {
      let mean = numbers.reduce(0, +) / Double(numbers.count)
      std = (numbers.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(numbers.count))
        .squareRoot()
    }
    var rng = RandomSource(seed: seed)
    var m = Matrix.zeros(vocabulary.count, vectors.dimension)
    for (i, vector) in found.enumerated() {
      for j in 0..<vectors.dimension {
        if let vector { m[i, j] = vector[j] } else { m[i, j] = rng.gaussian(std: std) }
      }
    }
    return (m, found.compactMap { $0 }.count)
  }

  func testCoveredRowsCopyTheVectorsAndTheOthersAreDrawnOnTheirScale() throws {
    try exercise {
      let vocabulary = ["<unk>", "the", "Good", "movie", "bad", "<eos>", "FILM"]
      var rng = RandomSource(seed: 960)
      let result = pretrainedEmbedding(
        vocabulary: vocabulary, vectors: Self.vectors, fallbackStd: 0.1, rng: &rng)
      let (want, covered) = Self.expected(
        vocabulary, vectors: Self.vectors, fallback: 0.1, seed: 960)
      assertEqual(
        result.covered, covered,
        "covered words (the, Good, bad, FILM; look a word up as spelled, then in lowercase)")
      assertClose(
        result.embedding.rows(1..<2), want.rows(1..<2), tolerance: 0,
        "the row of 'the' (its pretrained vector)", hint: self.hint)
      assertClose(
        result.embedding.rows(2..<3), want.rows(2..<3), tolerance: 0,
        "the row of 'Good' (the vector of 'good')",
        hint: "GloVe's words are lowercase: fall back to the lowercased word. " + self.hint)
      assertClose(
        result.embedding, want, tolerance: 1e-12,
        "the whole embedding (random rows: mean 0, the covered numbers' standard deviation)",
        hint: "Draw the uncovered rows in row order with rng.gaussian(std:), nothing for "
          + "covered rows; the standard deviation is over every number of the covered rows. "
          + self.hint)
    }
  }

  /// `Paris` has its own vector: the exact spelling wins over the lowercase one.
  func testTheExactSpellingComesFirst() throws {
    try exercise {
      var rng = RandomSource(seed: 961)
      let result = pretrainedEmbedding(
        vocabulary: ["Paris", "paris"], vectors: Self.vectors, fallbackStd: 0.1, rng: &rng)
      assertClose(
        result.embedding, Matrix(rows: 2, cols: 3) { i, _ in i == 0 ? 9 : -9 }, tolerance: 0,
        "rows of 'Paris' and 'paris'", hint: self.hint)
      assertEqual(result.covered, 2, "covered words")
    }
  }

  func testWithoutCoverageTheFallbackScaleIsUsed() throws {
    try exercise {
      let vocabulary = ["<unk>", "zzz", "qqq"]
      var rng = RandomSource(seed: 962)
      let result = pretrainedEmbedding(
        vocabulary: vocabulary, vectors: Self.vectors, fallbackStd: 0.3, rng: &rng)
      let (want, _) = Self.expected(vocabulary, vectors: Self.vectors, fallback: 0.3, seed: 962)
      assertEqual(result.covered, 0, "covered words")
      assertClose(
        result.embedding, want, tolerance: 1e-12, "rows drawn with the fallback scale 0.3",
        hint: self.hint)
      var empty = RandomSource(seed: 963)
      let none = pretrainedEmbedding(
        vocabulary: [], vectors: Self.vectors, fallbackStd: 0.1, rng: &empty)
      assertEqual(none.embedding.rows, 0, "rows for an empty vocabulary")
      assertEqual(none.embedding.cols, 3, "columns for an empty vocabulary (the dimension)")
    }
  }
}
