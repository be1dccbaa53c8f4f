import CourseTestSupport
import Foundation
import RNNCore
import RNNData

import struct Unit01.ContinuationCounts
import protocol Unit01.LanguageModel
import struct Unit01.NGramCounts
import struct Unit01.Vocabulary

/// Shared inputs of the unit 01 tests.
///
/// Fixture counts are built here with a plain dictionary counter and
/// ``NGramCounts/increment(_:by:)`` (provided code), never with the student's
/// ``NGramCounts/add(sentence:)``, so a test of a model does not depend on exercise 01.4.
enum Fixtures {
  static let lecture = "Lectures/01-ngram-language-models.md"

  /// The hint that ends every failure message: which exercise to fix, where it is taught.
  static func hint(_ exercise: String, _ title: String, section: Int) -> String {
    "hint: check \(title) (exercise \(exercise), \(lecture) §\(section))."
  }

  // Ids of the tiny corpus: <unk> 0, <s> 1, </s> 2, a 3, b 4, c 5.
  static let unk = Vocabulary.unknownID
  static let bos = Vocabulary.startID
  static let eos = Vocabulary.endID
  static let a = 3
  static let b = 4
  static let c = 5
  static let tinyVocabulary = Vocabulary(words: ["a", "b", "c"])

  /// The hand-computable corpus of the lecture's worked examples: `a b`, `a b b`, `b a c`.
  ///
  /// Bigram counts (one `<s>` of padding): `<s> a` 2, `<s> b` 1, `a b` 2, `a c` 1, `b </s>` 2,
  /// `b b` 1, `b a` 1, `c </s>` 1. Context totals: `<s>` 3, `a` 3, `b` 4, `c` 1. Unigrams:
  /// `a` 3, `b` 4, `c` 1, `</s>` 3 (11 tokens). `<unk>` is never seen.
  static let tinySentences: [[Int]] = [[a, b], [a, b, b], [b, a, c]]

  /// Every n-gram of orders 1...order of `sentences`, padded with `order - 1` `<s>` and one
  /// `</s>`, counted naively with array keys.
  static func naiveCounts(_ sentences: [[Int]], order: Int) -> [[Int]: Int] {
    var table: [[Int]: Int] = [:]
    for sentence in sentences {
      let padded = Array(repeating: bos, count: order - 1) + sentence + [eos]
      for i in (order - 1)..<padded.count {
        for k in 1...order {
          table[Array(padded[(i - k + 1)...i]), default: 0] += 1
        }
      }
    }
    return table
  }

  /// ``NGramCounts`` filled from ``naiveCounts(_:order:)`` through provided code only.
  static func counts(_ sentences: [[Int]], order: Int, vocabularySize: Int = 6) -> NGramCounts {
    var counts = NGramCounts(order: order, vocabularySize: vocabularySize)
    // Sorted so that node ids do not depend on dictionary order.
    for (ngram, count) in naiveCounts(sentences, order: order).sorted(by: {
      lexicographic($0.key, $1.key)
    }) {
      counts.increment(ngram, by: count)
    }
    return counts
  }

  static func lexicographic(_ x: [Int], _ y: [Int]) -> Bool {
    x.count != y.count ? x.count < y.count : x.lexicographicallyPrecedes(y)
  }

  /// Continuation counts computed naively from the n-grams themselves: `N1+(• h w)` is the
  /// number of distinct stored n-grams `v h w`. Independent of exercise 01.12.
  static func continuation(of counts: NGramCounts, sentences: [[Int]]) -> ContinuationCounts {
    var result = ContinuationCounts(nodeCount: counts.nodeCount)
    for ngram in naiveCounts(sentences, order: counts.order).keys where ngram.count >= 2 {
      let shorter = Array(ngram.dropFirst())
      guard let node = counts.node(forContext: shorter.dropLast()) else { continue }
      result.add(shorter[shorter.count - 1], after: node)
    }
    return result
  }

  /// A small sample of the synthetic corpus, encoded with a vocabulary built from its training
  /// part (minimum count 2, so `<unk>` occurs in training too). Built with provided code.
  static func synthetic(
    train: Int = 300, test: Int = 40
  ) -> (vocabulary: Vocabulary, train: [[Int]], test: [[Int]]) {
    let trainText = SyntheticCorpus.generate(sentences: train, seed: 101).sentences
    let testText = SyntheticCorpus.generate(sentences: test, seed: 202).sentences
    var counts: [String: Int] = [:]
    for sentence in trainText { for word in sentence { counts[word, default: 0] += 1 } }
    let vocabulary = Vocabulary(words: counts.filter { $0.value >= 2 }.map(\.key).sorted())
    func encode(_ sentence: [String]) -> [Int] {
      sentence.map { vocabulary.id(of: $0) ?? Vocabulary.unknownID }
    }
    return (vocabulary, trainText.map(encode), testText.map(encode))
  }

  /// The distinct contexts (the `order - 1` ids before each predicted token) that occur in
  /// `sentences`.
  static func contexts(in sentences: [[Int]], order: Int) -> [[Int]] {
    var seen = Set<[Int]>()
    var result: [[Int]] = []
    for sentence in sentences {
      let padded = Array(repeating: bos, count: order - 1) + sentence + [eos]
      for i in (order - 1)..<padded.count {
        let context = Array(padded[(i - order + 1)..<i])
        if seen.insert(context).inserted { result.append(context) }
      }
    }
    return result
  }

  /// Asserts that `p(· | context)` sums to 1 for every context: reports the sum farthest from
  /// 1 (a NaN sum counts as farthest), with its context in the hint.
  static func assertEveryContextSumsToOne(
    _ model: some LanguageModel, contexts: [[Int]], _ what: String, hint: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    var worst = 1.0
    var worstContext: [Int] = []
    for context in contexts {
      var sum = 0.0
      for word in 0..<model.vocabularySize {
        sum += model.probability(of: word, given: context[...])
      }
      if sum.isNaN || abs(sum - 1) > abs(worst - 1) {
        worst = sum
        worstContext = context
        if sum.isNaN { break }
      }
    }
    assertClose(
      worst, 1, tolerance: 1e-9, what,
      hint: "the sum farthest from 1 is after context \(worstContext). \(hint)", file: file,
      line: line)
  }
}

/// A bigram model given by an explicit table, for testing code that only needs *some* model
/// (log-probabilities, sampling) without depending on any smoothing exercise.
struct TableModel: LanguageModel {
  /// `table[previous][word]`, each row a distribution over all ids (zero for `<s>`).
  var table: [[Double]]
  var order: Int { 2 }
  var vocabularySize: Int { table.count }

  func probability(of word: Int, given context: ArraySlice<Int>) -> Double {
    table[context.last ?? Vocabulary.startID][word]
  }

  /// Six ids (<unk>, <s>, </s>, a, b, c) with distinct, lopsided rows.
  static let sample = TableModel(table: [
    [0.10, 0, 0.30, 0.20, 0.25, 0.15],  // after <unk>
    [0.05, 0, 0.00, 0.50, 0.30, 0.15],  // after <s>
    [0.20, 0, 0.20, 0.20, 0.20, 0.20],  // after </s> (never used)
    [0.02, 0, 0.18, 0.10, 0.60, 0.10],  // after a
    [0.05, 0, 0.45, 0.30, 0.05, 0.15],  // after b
    [0.10, 0, 0.50, 0.05, 0.05, 0.30],  // after c
  ])
}
