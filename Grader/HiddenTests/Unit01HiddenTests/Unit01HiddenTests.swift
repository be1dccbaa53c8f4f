import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit01.ContinuationCounts
import struct Unit01.KatzBackoff
import struct Unit01.KneserNey
import protocol Unit01.LanguageModel
import struct Unit01.NGramCounts
import struct Unit01.Tokenizer
import struct Unit01.Vocabulary

/// Hidden tests of unit 01 (n-gram models). They check the tokenizer, the vocabulary and
/// encoding on text with cases the public tests do not show (numbers, double hyphens, trailing
/// hyphens and apostrophes, markup glued to a word, non-ASCII letters, ties between upper- and
/// lowercase words, `maxWords` 0); Katz backoff (its backoff weights and probabilities) and
/// Kneser-Ney against test-local reference implementations written from the definitions, on
/// random corpora with orders, discounts and vocabulary sizes the public tests do not use
/// (including contexts that saw every word, and contexts never seen), with every distribution
/// summing to 1; and sampling from an order-3 model whose next token depends on both context
/// words, plus a frequency check that sampling is not greedy.
///
/// Every model is built on counts filled through provided code (`NGramCounts.increment`) and,
/// for Kneser-Ney, on continuation counts computed here, so a test of a model does not depend
/// on exercises 01.4 or 01.12.
final class Unit01HiddenTests: XCTestCase {
  func testTokenizerVocabularyAndEncodingOnUnseenText() throws {
    try exercise {
      let text =
        "It's 3.5 o'clock -- well-to-do folks' \"rock'n'roll\"!\r\n\n  \t \n"
        + "No<br> <eos> x-\n"
      assertEqual(
        Tokenizer().sentences(in: text),
        [
          [
            "It's", "3", ".", "5", "o'clock", "-", "-", "well-to-do", "folks", "'", "\"",
            "rock'n'roll", "\"", "!",
          ],
          ["No", "<", "br", ">", "<eos>", "x", "-"],
        ], "01.1 words, marks and markup")
      assertEqual(
        Tokenizer(lowercased: true).sentences(in: "ÉCOLE Straße\n\n2B-or-not"),
        [["école", "straße"], ["2b-or-not"]], "01.1 lowercased")
      assertEqual(
        Tokenizer(mode: .characters).sentences(in: " a-b\n   \n\tc"),
        [[" ", "a", "-", "b"], ["\t", "c"]], "01.1 characters")

      // Counts: the 3, Zed 2, apple 2, b 2, c 1, d 1; the markers are never words.
      let sentences = [
        ["the", "apple", "the", "b", "Zed"], ["c", "b", "the", "<s>", "</s>", "<unk>", "<unk>"],
        ["d", "apple", "Zed"],
      ]
      assertEqual(
        Vocabulary.build(from: sentences).tokens,
        ["<unk>", "<s>", "</s>", "the", "Zed", "apple", "b", "c", "d"],
        "01.2 by count, ties in String order (uppercase sorts first)")
      assertEqual(
        Vocabulary.build(from: sentences, maxWords: 2).tokens,
        ["<unk>", "<s>", "</s>", "the", "Zed"], "01.2 maxWords 2")
      assertEqual(
        Vocabulary.build(from: sentences, minCount: 2, maxWords: 0).tokens,
        ["<unk>", "<s>", "</s>"], "01.2 maxWords 0")
      assertEqual(
        Vocabulary.build(from: sentences, minCount: 3).tokens, ["<unk>", "<s>", "</s>", "the"],
        "01.2 minCount 3")
      assertEqual(Vocabulary.build(from: []).tokens, ["<unk>", "<s>", "</s>"], "01.2 empty")

      let vocabulary = Vocabulary(words: ["the", "Zed"])
      assertEqual(
        vocabulary.encode(["zed", "Zed", "<unk>", "</s>", "the", "the", "<s>"]),
        [0, 4, 0, 0, 3, 3, 0], "01.3 encoding is case-sensitive and maps markers to <unk>")
      assertEqual(vocabulary.encode([]), [], "01.3 empty sentence")
    }
  }

  func testKatzBackoffMatchesAReferenceWhereSomeContextsSawEveryWord() throws {
    try exercise {
      // |V| = 4 predictable ids (<unk>, </s>, 3, 4), so many contexts saw all of them.
      let corpus = ReferenceCorpus(
        seed: gradingSeed(1101), sentences: 40, words: [0, 3, 4], order: 3, size: 5)
      let discount = 0.4
      let model = KatzBackoff(counts: corpus.counts, discount: discount)
      var fullContexts = 0
      for context in corpus.contexts() {
        if corpus.types[context] == 4 { fullContexts += 1 }
        if let node = corpus.counts.node(forContext: context[...]) {
          assertClose(
            model.backoffWeights[node], corpus.katzAlpha(context, discount: discount),
            tolerance: 1e-12, "α(\(context))")
        }
      }
      assertGreater(fullContexts, 0, "the corpus must have a context that saw every id")
      for context in corpus.queryContexts(seed: gradingSeed(1102), count: 30) {
        var sum = 0.0
        for word in 0..<5 {
          let p = model.probability(of: word, given: context[...])
          sum += p
          assertClose(
            p, corpus.katz(word, context: context, discount: discount), tolerance: 1e-12,
            "p(\(word) | \(context))")
        }
        assertClose(sum, 1, tolerance: 1e-12, "Σ p(· | \(context))")
      }
    }
  }

  func testKneserNeyMatchesAReferenceAtOrderFour() throws {
    try exercise {
      let corpus = ReferenceCorpus(
        seed: gradingSeed(1103), sentences: 30, words: [0, 3, 4, 5, 6], order: 4, size: 7)
      for discount in [0.35, 0.9] {
        let model = KneserNey(
          counts: corpus.counts, discount: discount, continuation: corpus.continuation)
        for context in corpus.queryContexts(seed: gradingSeed(1104), count: 40) {
          var sum = 0.0
          for word in 0..<7 {
            let p = model.probability(of: word, given: context[...])
            sum += p
            assertClose(
              p, corpus.kneserNey(word, context: context, discount: discount), tolerance: 1e-12,
              "D = \(discount): p(\(word) | \(context))")
          }
          assertClose(sum, 1, tolerance: 1e-12, "D = \(discount): Σ p(· | \(context))")
        }
      }
    }
  }

  func testSamplingAnOrderThreeModelUsesBothContextWords() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(1105))
      let model = ChainModel(randomStart: false)
      assertEqual(
        model.sampleSentence(using: &rng), [4, 3, 5, 0, 4],
        "two <s> of padding, each token appended to the context, stop at </s>")
      assertEqual(model.sampleSentence(using: &rng, maxLength: 3), [4, 3, 5], "maxLength 3")
      assertEqual(model.sampleSentence(using: &rng, maxLength: 0), [], "maxLength 0")
      // After <s> <s>: 3 with probability 0.3, 4 with 0.7. 2,000 draws: 600 ± 20.5 expected.
      let random = ChainModel(randomStart: true)
      var threes = 0
      for _ in 0..<2000 where random.sampleSentence(using: &rng, maxLength: 1) == [3] {
        threes += 1
      }
      assertEqual(
        Double(threes), 600, accuracy: 110,
        "first tokens 3 in 2000 samples: the first token must be drawn from p(· | <s> <s>) = "
          + "0.3 / 0.7")
    }
  }
}

/// An order-3 model over ids 0 ... 5 whose next token is certain along the chain
/// `<s> <s> → 4 → 3 → 5 → <unk> → 4 → </s>`: the two 4s are followed by different tokens, so
/// sampling must keep both context words. With `randomStart` the first token is 3 with
/// probability 0.3 and 4 with 0.7. A context of fewer than two ids predicts 5.
private struct ChainModel: LanguageModel {
  var randomStart: Bool
  var order: Int { 3 }
  var vocabularySize: Int { 6 }

  func probability(of word: Int, given context: ArraySlice<Int>) -> Double {
    guard context.count >= 2 else { return word == 5 ? 1 : 0 }
    let next: Int
    switch Array(context.suffix(2)) {
    case [1, 1]:
      if randomStart { return word == 3 ? 0.3 : (word == 4 ? 0.7 : 0) }
      next = 4
    case [1, 4]: next = 3
    case [4, 3]: next = 5
    case [3, 5]: next = 0
    case [5, 0]: next = 4
    default: next = 2
    }
    return word == next ? 1 : 0
  }
}

/// A random corpus, its n-gram counts (filled through provided code only) and reference
/// implementations of Katz backoff and interpolated Kneser-Ney written from their definitions
/// on plain dictionaries.
private struct ReferenceCorpus {
  let order: Int
  let size: Int
  let words: [Int]
  let sentences: [[Int]]
  /// Every n-gram of orders 1 ... order (context then word) with its count.
  let table: [[Int]: Int]
  /// `c(h •)` per context `h` that was seen (of 0 ... order - 1 ids).
  let totals: [[Int]: Int]
  /// `N1+(h •)` per context `h` that was seen.
  let types: [[Int]: Int]
  /// `N1+(• h w)` for every `h w` shorter than the top order.
  let leftExtensions: [[Int]: Int]
  let counts: NGramCounts
  let continuation: ContinuationCounts

  init(seed: UInt64, sentences count: Int, words: [Int], order: Int, size: Int) {
    var rng = RandomSource(seed: seed)
    let sentences = (0..<count).map { _ in
      (0..<rng.int(below: 7)).map { _ in words[rng.int(below: words.count)] }
    }
    var table: [[Int]: Int] = [:]
    for sentence in sentences {
      let padded =
        [Int](repeating: Vocabulary.startID, count: order - 1) + sentence + [Vocabulary.endID]
      for i in (order - 1)..<padded.count {
        for k in 1...order { table[Array(padded[(i - k + 1)...i]), default: 0] += 1 }
      }
    }
    var totals: [[Int]: Int] = [:]
    var types: [[Int]: Int] = [:]
    var leftExtensions: [[Int]: Int] = [:]
    for (ngram, n) in table {
      totals[Array(ngram.dropLast()), default: 0] += n
      types[Array(ngram.dropLast()), default: 0] += 1
      if ngram.count >= 2 { leftExtensions[Array(ngram.dropFirst()), default: 0] += 1 }
    }
    var counts = NGramCounts(order: order, vocabularySize: size)
    let sorted = table.sorted {
      $0.key.count != $1.key.count
        ? $0.key.count < $1.key.count : $0.key.lexicographicallyPrecedes($1.key)
    }
    for (ngram, n) in sorted { counts.increment(ngram, by: n) }
    var continuation = ContinuationCounts(nodeCount: counts.nodeCount)
    for (shorter, n) in leftExtensions.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
      if let node = counts.node(forContext: shorter.dropLast()) {
        continuation.add(shorter[shorter.count - 1], after: node, count: n)
      }
    }
    self.order = order
    self.size = size
    self.words = words
    self.sentences = sentences
    self.table = table
    self.totals = totals
    self.types = types
    self.leftExtensions = leftExtensions
    self.counts = counts
    self.continuation = continuation
  }

  var outcomes: Double { Double(size - 1) }

  /// Every context that was seen, root included.
  func contexts() -> [[Int]] { totals.keys.sorted { $0.lexicographicallyPrecedes($1) } }

  /// `count` contexts of `order - 1` ids: the first ones padded with `<s>` as at the start of a
  /// sentence, the rest random (so some were never seen), plus one longer than the order.
  func queryContexts(seed: UInt64, count: Int) -> [[Int]] {
    var rng = RandomSource(seed: seed)
    let ids = words + [Vocabulary.endID]
    var result: [[Int]] = [[Int](repeating: Vocabulary.startID, count: order - 1)]
    for sentence in sentences.prefix(count / 2) where !sentence.isEmpty {
      result.append(
        Array(([Int](repeating: Vocabulary.startID, count: order - 1) + sentence).suffix(order - 1))
      )
    }
    while result.count < count {
      result.append((0..<(order - 1)).map { _ in ids[rng.int(below: ids.count)] })
    }
    result.append([3, 3, 3, 3, 3, 0])
    return result
  }

  /// The longest suffix of `context` (at most `order - 1` ids) that was seen.
  func longestSeenSuffix(_ context: [Int]) -> [Int] {
    var h = Array(context.suffix(order - 1))
    while !h.isEmpty && totals[h] == nil { h.removeFirst() }
    return h
  }

  // MARK: Katz backoff

  func katz(_ word: Int, context: [Int], discount: Double) -> Double {
    word == Vocabulary.startID ? 0 : katz(word, seen: longestSeenSuffix(context), discount)
  }

  private func katz(_ word: Int, seen h: [Int], _ discount: Double) -> Double {
    let total = Double(totals[h] ?? 0)
    let n = table[h + [word]] ?? 0
    if n > 0 {
      let everySeen = Double(types[h] ?? 0) >= outcomes
      return (Double(n) - (everySeen ? 0 : discount)) / total
    }
    let lower = h.isEmpty ? 1 / outcomes : katz(word, seen: Array(h.dropFirst()), discount)
    return katzAlpha(h, discount: discount) * lower
  }

  func katzAlpha(_ h: [Int], discount: Double) -> Double {
    let seenTypes = Double(types[h] ?? 0)
    guard seenTypes < outcomes, let total = totals[h] else { return 0 }
    var lowerMass = 0.0
    for word in 0..<size where (table[h + [word]] ?? 0) > 0 {
      lowerMass += h.isEmpty ? 1 / outcomes : katz(word, seen: Array(h.dropFirst()), discount)
    }
    return (discount * seenTypes / Double(total)) / (1 - lowerMass)
  }

  // MARK: Kneser-Ney

  func kneserNey(_ word: Int, context: [Int], discount: Double) -> Double {
    if word == Vocabulary.startID { return 0 }
    let full = Array(context.suffix(order - 1))
    var p = 1 / outcomes
    for k in 0...full.count {
      let h = Array(full.suffix(k))
      guard totals[h] != nil else { break }
      let a: (Int) -> Double
      if k == order - 1 {
        a = { Double(self.table[h + [$0]] ?? 0) }
      } else {
        a = { Double(self.leftExtensions[h + [$0]] ?? 0) }
      }
      var total = 0.0
      var seenTypes = 0.0
      for w in 0..<size where a(w) > 0 {
        total += a(w)
        seenTypes += 1
      }
      if total == 0 { continue }
      p = (max(a(word) - discount, 0) + discount * seenTypes * p) / total
    }
    return p
  }
}
