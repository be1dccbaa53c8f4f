import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit10.WordClasses

/// Exercise 10.1: `WordClasses.frequencyBinned(counts:classCount:)`.
final class WordClassesTests: XCTestCase {
  let hint = Unit10ClassFixtures.hint("10.1", "WordClasses.frequencyBinned", section: 2)
  typealias F = Unit10ClassFixtures

  /// `members`, `classOf` and `positionInClass` describe the same partition of `0..<V`.
  func assertConsistent(
    _ classes: WordClasses, words: Int, classCount: Int, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    assertEqual(
      classes.members.count, classCount, "number of classes, \(what)", file: file, line: line)
    assertEqual(classes.classOf.count, words, "length of classOf, \(what)", file: file, line: line)
    assertEqual(
      classes.positionInClass.count, words, "length of positionInClass, \(what)", file: file,
      line: line)
    assertEqual(
      classes.members.flatMap { $0 }.sorted(), Array(0..<words),
      "every word in exactly one class, \(what)", file: file, line: line)
    guard classes.classOf.count == words && classes.positionInClass.count == words else { return }
    for (c, words) in classes.members.enumerated() {
      for (i, w) in words.enumerated() where (0..<classes.classOf.count).contains(w) {
        assertEqual(classes.classOf[w], c, "classOf[\(w)], \(what)", file: file, line: line)
        assertEqual(
          classes.positionInClass[w], i, "positionInClass[\(w)], \(what)", file: file, line: line)
      }
    }
  }

  func testGoldenClasses() throws {
    try exercise {
      assertEqual(
        WordClasses.frequencyBinned(counts: F.counts, classCount: 3).members,
        Unit10ClassGoldenValues.threeClasses, "the 3 classes of the twelve counts. " + self.hint)
      assertEqual(
        WordClasses.frequencyBinned(counts: F.counts, classCount: 4).members,
        Unit10ClassGoldenValues.fourClasses, "the 4 classes of the twelve counts. " + self.hint)
      let classes = WordClasses.frequencyBinned(counts: F.counts, classCount: 4)
      self.assertConsistent(classes, words: F.counts.count, classCount: 4, "4 classes")
    }
  }

  /// Sorted by count, largest first, ties by the smaller id; a word never seen still gets the
  /// last class (the cap at K - 1).
  func testTiesAndUnseenWords() throws {
    try exercise {
      let classes = WordClasses.frequencyBinned(counts: [5, 0, 5, 0, 3], classCount: 2)
      assertEqual(
        classes.members, [[0, 2], [4, 1, 3]],
        "classes of counts [5, 0, 5, 0, 3] into 2 (sorted order 0, 2, 4, 1, 3; word 4 starts "
          + "at mass 10 of 13, so floor(2 · 10 / 13) = 1). " + self.hint)
      self.assertConsistent(classes, words: 5, classCount: 2, "counts [5, 0, 5, 0, 3]")
    }
  }

  func testOneClassAndOneClassPerWord() throws {
    try exercise {
      let one = WordClasses.frequencyBinned(counts: F.counts, classCount: 1)
      assertEqual(
        one.members, [[1, 5, 11, 6, 2, 3, 8, 10, 0, 7, 4, 9]],
        "one class: every word, most frequent first. " + self.hint)
      let each = WordClasses.frequencyBinned(counts: F.counts, classCount: F.counts.count)
      assertEqual(
        each.members, [[1], [5], [11], [6], [2], [3], [8], [10], [0], [7], [4], [9]],
        "K = V: one word per class, most frequent first. " + self.hint)
    }
  }

  /// A word with more than 1/K of the mass would push the next word past a class: the
  /// documented adjustment leaves no class empty.
  func testNoEmptyClassWhenOneWordDominates() throws {
    try exercise {
      let classes = WordClasses.frequencyBinned(counts: [1000, 1, 1, 1, 1, 1], classCount: 3)
      assertEqual(
        classes.members, [[0], [1], [2, 3, 4, 5]],
        "classes of counts [1000, 1, 1, 1, 1, 1] into 3: no class may stay empty. " + self.hint)
      let zipf = F.zipfCounts(words: 300, seed: 1001)
      let many = WordClasses.frequencyBinned(counts: zipf, classCount: 40)
      assertTrue(
        many.members.allSatisfy { !$0.isEmpty },
        "every class of a Zipf vocabulary has a word. " + self.hint)
      self.assertConsistent(many, words: 300, classCount: 40, "Zipf, 300 words, 40 classes")
    }
  }

  /// Counts of zero everywhere (a vocabulary read before any text): the mass rule puts every
  /// word in class 0, and the adjustment still gives each class a word, the last ones late.
  func testEveryCountZero() throws {
    try exercise {
      let classes = WordClasses.frequencyBinned(counts: [0, 0, 0, 0, 0], classCount: 3)
      assertEqual(
        classes.members, [[0, 1, 2], [3], [4]],
        "classes of five words with count 0 into 3: move on as late as the words left allow. "
          + self.hint)
    }
  }

  /// When no word holds a large share, every class holds about 1/K of the unigram mass (within
  /// the count of the largest word), frequent classes have few words and rare ones many.
  func testClassesHaveAboutEqualMass() throws {
    try exercise {
      let counts = F.zipfCounts(words: 1000, offset: 30, seed: 1002)
      let k = 32
      let classes = WordClasses.frequencyBinned(counts: counts, classCount: k)
      self.assertConsistent(classes, words: 1000, classCount: k, "Zipf, 1000 words, 32 classes")
      let total = Double(counts.reduce(0, +))
      let largest = Double(counts.max() ?? 0)
      for (c, words) in classes.members.enumerated() {
        let mass = Double(words.reduce(0) { $0 + counts[$1] })
        assertLessOrEqual(
          abs(mass - total / Double(k)), largest,
          "distance of class \(c)'s mass from N/K (\(total / Double(k))). " + self.hint)
      }
      let sizes = classes.members.map(\.count)
      assertLess(
        sizes.first ?? 0, sizes.last ?? 0,
        "words in the first (most frequent) class vs the last. " + self.hint)
      for (c, words) in classes.members.enumerated() where c > 0 {
        guard let first = words.first, let before = classes.members[c - 1].last else { continue }
        assertGreaterOrEqual(
          counts[before], counts[first],
          "count of the last word of class \(c - 1) vs the first word of class \(c); each "
            + "class is a band of the words sorted by count. " + self.hint)
      }
    }
  }
}
