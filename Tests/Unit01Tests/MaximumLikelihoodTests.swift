import CourseTestSupport
import XCTest

import struct Unit01.MaximumLikelihood

/// Exercise 01.5: `MaximumLikelihood.probability`. Counts come from the provided fixture
/// builder, not from exercise 01.4.
final class MaximumLikelihoodTests: XCTestCase {
  let hint = Fixtures.hint("01.5", "MaximumLikelihood.probability", section: 5)
  let a = Fixtures.a
  let b = Fixtures.b
  let c = Fixtures.c

  func testRelativeFrequencies() throws {
    try exercise {
      let model = MaximumLikelihood(counts: Fixtures.counts(Fixtures.tinySentences, order: 2))
      assertClose(
        model.probability(of: self.b, given: [self.a]), 2.0 / 3, "p(b | a)", hint: self.hint)
      assertClose(
        model.probability(of: self.c, given: [self.a]), 1.0 / 3, "p(c | a)", hint: self.hint)
      assertClose(
        model.probability(of: Fixtures.eos, given: [self.b]), 0.5, "p(</s> | b)",
        hint: self.hint)
      assertClose(
        model.probability(of: self.a, given: [self.c]), 0, "p(a | c), never seen",
        hint: self.hint)
      assertClose(
        model.probability(of: self.a, given: [Fixtures.bos, self.b, self.c]), 0,
        "p(a | c) with a longer context: only the last id counts", hint: self.hint)
    }
  }

  func testUnigramsDivideByTheNumberOfTokens() throws {
    try exercise {
      let model = MaximumLikelihood(counts: Fixtures.counts(Fixtures.tinySentences, order: 1))
      assertClose(
        model.probability(of: self.b, given: []), 4.0 / 11, "p(b) with 11 tokens",
        hint: self.hint)
      assertClose(
        model.probability(of: Fixtures.eos, given: [self.a]), 3.0 / 11, "p(</s>)",
        hint: self.hint)
    }
  }

  func testUnseenContextGivesZeroNotNaN() throws {
    try exercise {
      let model = MaximumLikelihood(counts: Fixtures.counts(Fixtures.tinySentences, order: 3))
      let p = model.probability(of: self.a, given: [self.c, self.c])
      assertEqual(p, 0, "p(a | c c) for a context never seen must be 0. \(self.hint)")
    }
  }

  func testEverySeenContextSumsToOne() throws {
    try exercise {
      let data = Fixtures.synthetic()
      let counts = Fixtures.counts(data.train, order: 3, vocabularySize: data.vocabulary.count)
      let model = MaximumLikelihood(counts: counts)
      // Only contexts of the training data: MLE has no distribution after unseen ones.
      let contexts = Fixtures.contexts(in: data.train, order: 3)
      Fixtures.assertEveryContextSumsToOne(
        model, contexts: contexts, "the worst sum of p(· | context) over the training contexts",
        hint: self.hint)
    }
  }

  func testOnlyTheLastOrderMinusOneIdsCount() throws {
    try exercise {
      let bigram = MaximumLikelihood(counts: Fixtures.counts(Fixtures.tinySentences, order: 2))
      assertClose(
        bigram.probability(of: self.b, given: [Fixtures.bos, self.c, self.a]), 2.0 / 3,
        "bigram p(b | <s> c a): only the last id, a, counts", hint: self.hint)
      let trigram = MaximumLikelihood(counts: Fixtures.counts(Fixtures.tinySentences, order: 3))
      // c(a b •) = 2 (a b </s>, a b b), c(a b b) = 1.
      assertClose(
        trigram.probability(of: self.b, given: [self.c, Fixtures.bos, self.a, self.b]), 1.0 / 2,
        "trigram p(b | c <s> a b): only the last two ids count", hint: self.hint)
      assertClose(
        trigram.probability(of: self.a, given: [Fixtures.bos, Fixtures.bos]), 2.0 / 3,
        "trigram p(a | <s> <s>)", hint: self.hint)
      let unigram = MaximumLikelihood(counts: Fixtures.counts(Fixtures.tinySentences, order: 1))
      assertClose(
        unigram.probability(of: self.c, given: [self.a, self.b]), 1.0 / 11,
        "unigram p(c | a b): the context is ignored", hint: self.hint)
      assertClose(
        unigram.probability(of: Fixtures.unk, given: []), 0, "unigram p(<unk>), never seen",
        hint: self.hint)
    }
  }
}
