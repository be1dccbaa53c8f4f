import CourseTestSupport
import XCTest

import struct Unit01.ContinuationCounts
import struct Unit01.KneserNey
import struct Unit01.NGramCounts

/// Exercise 01.12: `ContinuationCounts.computed(from:)`. Counts come from the provided fixture
/// builder.
final class ContinuationCountTests: XCTestCase {
  let hint = Fixtures.hint("01.12", "ContinuationCounts.computed", section: 10)
  let a = Fixtures.a
  let b = Fixtures.b
  let c = Fixtures.c

  func testUnigramContinuationCountsOfTheTinyCorpus() throws {
    try exercise {
      // Distinct left neighbours: a after <s>, b; b after <s>, a, b; c after a; </s> after b, c.
      let counts = Fixtures.counts(Fixtures.tinySentences, order: 2)
      let continuation = ContinuationCounts.computed(from: counts)
      let root = NGramCounts.root
      let expected = [(self.a, 2), (self.b, 3), (self.c, 1), (Fixtures.eos, 2), (Fixtures.unk, 0)]
      for (word, n) in expected {
        assertEqual(
          continuation.count(of: word, after: root), n,
          "N1+(• \(word)): distinct words before it, not its count. \(self.hint)")
      }
      assertEqual(
        continuation.total(after: root), 8, "N1+(• •) = number of distinct bigrams. \(self.hint)")
      assertEqual(
        continuation.distinctFollowers(of: root), 4,
        "distinct words with a continuation count at the root. \(self.hint)")
    }
  }

  func testTrigramModelHasBigramAndUnigramContinuations() throws {
    try exercise {
      let counts = Fixtures.counts(Fixtures.tinySentences, order: 3)
      let continuation = ContinuationCounts.computed(from: counts)
      guard let nodeB = counts.node(forContext: [self.b]),
        let nodeAB = counts.node(forContext: [self.a, self.b])
      else {
        fail("fixture contexts missing")
        return
      }
      // Bigram b </s> is preceded by a (a b </s>) and b (b b </s>).
      assertEqual(
        continuation.count(of: Fixtures.eos, after: nodeB), 2, "N1+(• b </s>). \(self.hint)")
      // Bigram b a is preceded only by <s>.
      assertEqual(continuation.count(of: self.a, after: nodeB), 1, "N1+(• b a). \(self.hint)")
      assertEqual(continuation.total(after: nodeB), 4, "N1+(• b •). \(self.hint)")
      assertEqual(
        continuation.total(after: nodeAB), 0,
        "a top-order context has no continuation counts. \(self.hint)")
    }
  }

  func testMatchesANaiveComputation() throws {
    try exercise {
      let data = Fixtures.synthetic(train: 120, test: 1)
      let counts = Fixtures.counts(data.train, order: 3, vocabularySize: data.vocabulary.count)
      let computed = ContinuationCounts.computed(from: counts)
      let naive = Fixtures.continuation(of: counts, sentences: data.train)
      for node in 0..<counts.nodeCount {
        assertEqual(
          computed.total(after: node), naive.total(after: node),
          "N1+(• h •) at node \(node). \(self.hint)")
        assertEqual(
          computed.distinctFollowers(of: node), naive.distinctFollowers(of: node),
          "distinct followers at node \(node). \(self.hint)")
      }
    }
  }
}

/// Exercise 01.13: `KneserNey.probability`. Continuation counts come from a naive fixture, not
/// from exercise 01.12.
final class KneserNeyTests: XCTestCase {
  let hint = Fixtures.hint("01.13", "KneserNey.probability", section: 10)
  let a = Fixtures.a
  let b = Fixtures.b
  let c = Fixtures.c

  func model(order: Int, discount: Double) -> KneserNey {
    let counts = Fixtures.counts(Fixtures.tinySentences, order: order)
    return KneserNey(
      counts: counts, discount: discount,
      continuation: Fixtures.continuation(of: counts, sentences: Fixtures.tinySentences))
  }

  func testBigramValuesWorkedByHand() throws {
    try exercise {
      // D = 0.5. Unigram level, continuation counts a 2, b 3, c 1, </s> 2 (8 in all, 4 types):
      // p(w) = max(N − 0.5, 0)/8 + (0.5·4/8)/5, so p(a) = 0.2375, p(b) = 0.3625, p(<unk>) = 0.05.
      // Bigram level after a (c(a •) = 3, 2 types): p(b | a) = 1.5/3 + (0.5·2/3)·0.3625.
      let model = self.model(order: 2, discount: 0.5)
      assertClose(
        model.probability(of: self.b, given: [self.a]), 0.5 + 0.3625 / 3, "p(b | a)",
        hint: "the lower order must use continuation counts. \(self.hint)")
      assertClose(
        model.probability(of: self.a, given: [self.a]), 0.2375 / 3, "p(a | a)", hint: self.hint)
      assertClose(
        model.probability(of: Fixtures.unk, given: [self.c]), (0.5 / 1) * 0.05,
        "p(<unk> | c)", hint: self.hint)
      assertClose(
        model.probability(of: self.b, given: [Fixtures.unk]), 0.3625,
        "p(b | <unk>): context never seen, so the unigram level", hint: self.hint)
      assertClose(model.probability(of: Fixtures.bos, given: [self.a]), 0, "p(<s> | a)")
    }
  }

  func testTrigramGoldenValues() throws {
    try exercise {
      // D = 0.75. For instance p(a | <s> <s>) = 1.25/3 + (0.75·2/3)·p(a | <s>), with
      // p(a | <s>) = 0.25/2 + 0.75·p(a) from the continuation counts N1+(• <s> a) = 1 of 2,
      // and p(a) = 1.25/8 + (0.75·4/8)/5 = 0.23125, which gives 0.565885416...
      let model = self.model(order: 3, discount: 0.75)
      let cases: [([Int], Int, Double)] = [
        ([Fixtures.bos, Fixtures.bos], self.a, 0.56588541666666670),
        ([Fixtures.bos, self.a], self.b, 0.7720703125),
        ([self.a, self.b], self.b, 0.32216796875),
        ([self.c, self.b], Fixtures.eos, 0.442578125),
        ([self.b, self.b], self.c, 0.04482421875),
      ]
      for (context, word, expected) in cases {
        assertClose(
          model.probability(of: word, given: context[...]), expected, "p(\(word) | \(context))",
          hint: self.hint)
      }
    }
  }

  func testEveryContextSumsToOne() throws {
    try exercise {
      let data = Fixtures.synthetic()
      for order in [1, 2, 3] {
        let counts = Fixtures.counts(
          data.train, order: order, vocabularySize: data.vocabulary.count)
        let model = KneserNey(
          counts: counts, continuation: Fixtures.continuation(of: counts, sentences: data.train))
        Fixtures.assertEveryContextSumsToOne(
          model, contexts: Fixtures.contexts(in: data.test, order: order),
          "order \(order): the worst sum of p(· | context) over the test contexts",
          hint: self.hint)
      }
    }
  }
}
