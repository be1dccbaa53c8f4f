import CourseTestSupport
import XCTest

import struct Unit01.AddK

/// Exercise 01.8: `AddK.probability`. Counts come from the provided fixture builder.
final class AddKTests: XCTestCase {
  let hint = Fixtures.hint("01.8", "AddK.probability", section: 7)
  let a = Fixtures.a
  let b = Fixtures.b
  let c = Fixtures.c

  func testAddOneOnTheTinyCorpus() throws {
    try exercise {
      // |V| = 5 predictable ids (<unk>, </s>, a, b, c); c(a •) = 3.
      let model = AddK(counts: Fixtures.counts(Fixtures.tinySentences, order: 2), k: 1)
      assertClose(
        model.probability(of: self.b, given: [self.a]), 3.0 / 8, "p(b | a) = (2+1)/(3+5)",
        hint: self.hint)
      assertClose(
        model.probability(of: self.a, given: [self.a]), 1.0 / 8, "p(a | a) = (0+1)/(3+5)",
        hint: self.hint)
      assertClose(
        model.probability(of: Fixtures.eos, given: [self.c]), 2.0 / 6,
        "p(</s> | c) = (1+1)/(1+5)", hint: self.hint)
      assertClose(
        model.probability(of: Fixtures.bos, given: [self.a]), 0, "p(<s> | a)",
        hint: "<s> is never predicted. \(self.hint)")
    }
  }

  func testAddHalfAndUnseenContexts() throws {
    try exercise {
      let model = AddK(counts: Fixtures.counts(Fixtures.tinySentences, order: 2), k: 0.5)
      assertClose(
        model.probability(of: self.b, given: [self.a]), 2.5 / 5.5, "p(b | a) = 2.5/(3+2.5)",
        hint: self.hint)
      assertClose(
        model.probability(of: self.c, given: [Fixtures.unk]), 1.0 / 5,
        "p(c | <unk>), a context never seen: uniform over |V| = 5", hint: self.hint)
    }
  }

  func testEveryContextSumsToOne() throws {
    try exercise {
      let data = Fixtures.synthetic()
      let counts = Fixtures.counts(data.train, order: 3, vocabularySize: data.vocabulary.count)
      for k in [1.0, 0.01] {
        let model = AddK(counts: counts, k: k)
        Fixtures.assertEveryContextSumsToOne(
          model, contexts: Fixtures.contexts(in: data.test, order: 3),
          "k = \(k): the worst sum of p(· | context) over the test contexts",
          hint: "Is |V| the number of predictable ids, vocabularySize - 1? \(self.hint)")
      }
    }
  }

  func testOnlyTheLastOrderMinusOneIdsCount() throws {
    try exercise {
      let model = AddK(counts: Fixtures.counts(Fixtures.tinySentences, order: 3), k: 1)
      // c(a b •) = 2, c(a b b) = 1, |V| = 5.
      assertClose(
        model.probability(of: self.b, given: [self.c, Fixtures.bos, self.a, self.b]), 2.0 / 7,
        "trigram p(b | c <s> a b) = (1+1)/(2+5): only the last two ids count", hint: self.hint)
      assertClose(
        model.probability(of: self.a, given: [self.b, self.c]), 1.0 / 5,
        "trigram p(a | b c), a context never seen: uniform", hint: self.hint)
      let unigram = AddK(counts: Fixtures.counts(Fixtures.tinySentences, order: 1), k: 2)
      assertClose(
        unigram.probability(of: Fixtures.unk, given: [self.a]), 2.0 / 21,
        "unigram p(<unk>) = (0+2)/(11+2·5)", hint: self.hint)
    }
  }
}
