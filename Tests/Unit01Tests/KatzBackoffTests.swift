import CourseTestSupport
import XCTest

import struct Unit01.KatzBackoff
import struct Unit01.NGramCounts

/// Exercise 01.11: `KatzBackoff.backoffWeights` and `KatzBackoff.probability` (one exercise,
/// two functions). Counts come from the provided fixture builder.
final class KatzBackoffTests: XCTestCase {
  let hint = Fixtures.hint("01.11", "KatzBackoff", section: 9)
  let a = Fixtures.a
  let b = Fixtures.b
  let c = Fixtures.c

  func testBigramValuesWorkedByHand() throws {
    try exercise {
      // D = 0.5. Unigrams (11 tokens, 4 of 5 ids seen): freed mass 0.5·4/11 = 2/11 goes to
      // <unk>, so p(<unk>) = 2/11 and α(∅) = (2/11)/(1/5) = 10/11; p(a) = 2.5/11.
      // Context a (3 tokens: b 2, c 1): freed 0.5·2/3 = 1/3, seen lower mass p(b)+p(c) = 4/11,
      // α(a) = (1/3)/(7/11) = 11/21.
      let counts = Fixtures.counts(Fixtures.tinySentences, order: 2)
      let model = KatzBackoff(counts: counts, discount: 0.5)
      assertClose(model.probability(of: self.b, given: [self.a]), 0.5, "p(b | a)", hint: self.hint)
      assertClose(
        model.probability(of: self.c, given: [self.a]), 1.0 / 6, "p(c | a)", hint: self.hint)
      assertClose(
        model.probability(of: self.a, given: [self.a]), 2.5 / 21,
        "p(a | a) = α(a)·p(a) = (11/21)(2.5/11)", hint: self.hint)
      assertClose(
        model.probability(of: Fixtures.unk, given: [self.a]), 2.0 / 21,
        "p(<unk> | a) = α(a)·α(∅)/5", hint: self.hint)
      assertClose(
        model.probability(of: Fixtures.unk, given: [Fixtures.unk]), 2.0 / 11,
        "p(<unk> | <unk>): context never seen, so the unigram value", hint: self.hint)
      let root = NGramCounts.root
      assertClose(model.backoffWeights[root], 10.0 / 11, "α(∅)", hint: self.hint)
      if let nodeA = counts.node(forContext: [self.a]) {
        assertClose(model.backoffWeights[nodeA], 11.0 / 21, "α(a)", hint: self.hint)
      }
    }
  }

  func testContextThatSawEveryWordIsNotDiscounted() throws {
    try exercise {
      // After a: <unk> 1, a 1, b 1, c 1, </s> 2 (6 in all). Every id was seen, so nothing is
      // left to back off to and no discount is taken.
      let sentences = [[3, 0], [3, 3], [3, 4], [3, 5], [3]]
      let counts = Fixtures.counts(sentences, order: 2)
      let model = KatzBackoff(counts: counts, discount: 0.5)
      assertClose(
        model.probability(of: 3, given: [3]), 1.0 / 6, "p(a | a) = c(a a)/c(a •), undiscounted",
        hint: self.hint)
      assertClose(
        model.probability(of: Fixtures.eos, given: [3]), 2.0 / 6, "p(</s> | a)",
        hint: self.hint)
      let alpha = counts.node(forContext: [3]).map { model.backoffWeights[$0] } ?? .nan
      assertEqual(
        alpha, 0, accuracy: 0,
        "α(a) of a context that saw every id is unused and stored as 0. \(self.hint)")
    }
  }

  func testEveryContextSumsToOne() throws {
    try exercise {
      let data = Fixtures.synthetic()
      for order in [2, 3] {
        let counts = Fixtures.counts(
          data.train, order: order, vocabularySize: data.vocabulary.count)
        let model = KatzBackoff(counts: counts, discount: 0.75)
        Fixtures.assertEveryContextSumsToOne(
          model, contexts: Fixtures.contexts(in: data.test, order: order),
          "order \(order): the worst sum of p(· | context) over the test contexts",
          hint: "α must renormalize over the unseen words. \(self.hint)")
      }
      let tiny = KatzBackoff(counts: Fixtures.counts(Fixtures.tinySentences, order: 3))
      let contexts = [[1, 1], [1, 3], [3, 4], [4, 4], [5, 5], [0, 3]]
      Fixtures.assertEveryContextSumsToOne(
        tiny, contexts: contexts, "tiny trigram: the worst sum of p(· | context)", hint: self.hint)
    }
  }
}
