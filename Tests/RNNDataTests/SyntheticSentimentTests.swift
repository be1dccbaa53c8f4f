import Foundation
import RNNData
import XCTest

final class SyntheticSentimentTests: XCTestCase {
  typealias Kind = SyntheticSentiment.Kind

  static let positiveWords = Set(
    SyntheticSentiment.positiveAdjectives + SyntheticSentiment.positiveNouns
      + SyntheticSentiment.positiveVerbs)
  static let negativeWords = Set(
    SyntheticSentiment.negativeAdjectives + SyntheticSentiment.negativeNouns
      + SyntheticSentiment.negativeVerbs)

  /// The label of `text` by the documented rules, worked out from the words alone (independently
  /// of the generator), or `nil` when the rules give none (no sentiment word, or disagreeing
  /// phrases where they must agree).
  ///
  /// The clause introduced by `although` runs to the next comma and is dropped; otherwise the
  /// words after `but` or `yet` are kept; otherwise all words. What is kept is cut into phrases
  /// at `and` and commas; a phrase's polarity is its sentiment word's, flipped if the phrase
  /// holds `not`, `never` or `from`. Every phrase with a sentiment word must agree.
  static func ruleLabel(_ text: String) -> String? {
    var words = text.split(separator: " ").map(String.init)
    if words.last == "." { words.removeLast() }
    if let start = words.firstIndex(of: "although") {
      let end = words[start...].firstIndex(of: ",") ?? words.endIndex
      words.removeSubrange(start..<end)
    } else if let turn = words.firstIndex(where: { $0 == "but" || $0 == "yet" }) {
      words = Array(words[(turn + 1)...])
    }
    var polarities = Set<Bool>()
    for phrase in words.split(whereSeparator: { $0 == "and" || $0 == "," }) {
      let negated = phrase.contains { ["not", "never", "from"].contains($0) }
      for word in phrase {
        if positiveWords.contains(word) { polarities.insert(!negated) }
        if negativeWords.contains(word) { polarities.insert(negated) }
      }
    }
    guard polarities.count == 1, let positive = polarities.first else { return nil }
    return positive ? "positive" : "negative"
  }

  func testTheRulesOnHandCheckedSentences() {
    let cases: [(String, String)] = [
      ("the plot is good", "positive"),
      ("the plot is very dull .", "negative"),
      ("the plot is not good", "negative"),
      ("the plot is never boring", "positive"),
      ("the music is not at all bad .", "positive"),
      ("the ending is far from a triumph", "negative"),
      ("i do not hate the ending", "positive"),
      ("we really love the cast", "positive"),
      ("the plot is not good and the music is dull", "negative"),
      ("the acting is superb and the score is never a bore", "positive"),
      ("the acting is good but the plot is dull", "negative"),
      ("the acting is awful yet i love the music .", "positive"),
      ("although the acting is good , the plot is a mess", "negative"),
      ("the plot is a mess , although the acting is good", "negative"),
      ("it was raining outside , although the plot is dull , we adore the cast .", "positive"),
      ("the score is awful , i saw it on a sunday , and it runs for two hours", "negative"),
    ]
    for (text, label) in cases {
      XCTAssertEqual(Self.ruleLabel(text), label, text)
    }
    XCTAssertNil(Self.ruleLabel("i saw it on a sunday"), "no sentiment word")
    XCTAssertNil(Self.ruleLabel("the plot is good and the music is dull"), "disagreeing phrases")
  }

  func testGoldenFirstExamples() {
    // Pins the generator (later units quote numbers measured on it); each label checked by hand.
    let examples = SyntheticSentiment.examples(count: 8, seed: 1)
    let expected: [(Kind, String, String)] = [
      (
        .long, "negative",
        "we despise the editing , it is set in london , the lights went down late , and we "
          + "went with my roommate"
      ),
      (
        .plain, "positive",
        "the theater was cold , the pacing is a joy and the direction is truly a masterpiece"
      ),
      (.contrast, "negative", "the script is truly clever but the casting is a chore ."),
      (.contrast, "positive", "we despise the editing but the story is great ."),
      (.plain, "negative", "we truly hate the music and the dialogue is truly a failure ."),
      (.negated, "positive", "we like the cinematography and we do not hate the pacing ."),
      (
        .long, "positive",
        "i really admire the score , i went with my cousin , it opened last month , my brother "
          + "picked it , i had read about it in the paper , and the theater was cold ."
      ),
      (
        .negated, "negative",
        "the script is truly a disaster and the direction is never a gem ."
      ),
    ]
    XCTAssertEqual(
      examples,
      expected.map {
        SyntheticSentiment.Example(sentence: LabeledSentence(text: $0.2, label: $0.1), kind: $0.0)
      })
  }

  func testSameSeedGivesSameExamples() {
    let a = SyntheticSentiment.examples(count: 200, seed: 7)
    XCTAssertEqual(a, SyntheticSentiment.examples(count: 200, seed: 7))
    XCTAssertNotEqual(a, SyntheticSentiment.examples(count: 200, seed: 8))
    let s = SyntheticSentiment.splits(train: 100, valid: 20, test: 20, hidden: 20, seed: 3)
    let t = SyntheticSentiment.splits(train: 100, valid: 20, test: 20, hidden: 20, seed: 3)
    XCTAssertEqual(s.train, t.train)
    XCTAssertEqual(s.valid, t.valid)
    XCTAssertEqual(s.test, t.test)
    XCTAssertEqual(s.hidden, t.hidden)
  }

  func testEveryKindIsAQuarterWithBalancedLabels() {
    let examples = SyntheticSentiment.examples(count: 1000, seed: 2)
    for kind in Kind.allCases {
      let ofKind = examples.filter { $0.kind == kind }
      XCTAssertEqual(ofKind.count, 250, "\(kind)")
      XCTAssertEqual(ofKind.filter { $0.sentence.label == "positive" }.count, 125, "\(kind)")
    }
    // A count that is not a multiple of four: the first kinds get one more.
    let ten = SyntheticSentiment.examples(count: 10, seed: 2)
    XCTAssertEqual(Kind.allCases.map { k in ten.filter { $0.kind == k }.count }, [3, 3, 2, 2])
    XCTAssertEqual(SyntheticSentiment.examples(count: 0, seed: 2), [])
  }

  func testEveryLabelFollowsTheRules() {
    let split = SyntheticSentiment.splits(train: 2000, valid: 500, test: 500, hidden: 500, seed: 4)
    let all =
      SyntheticSentiment.examples(count: 2000, seed: 5) + split.train + split.valid + split.test
      + split.hidden
    for example in all {
      XCTAssertEqual(
        Self.ruleLabel(example.sentence.text), example.sentence.label,
        "\(example.kind): \(example.sentence.text)")
    }
  }

  func testSentimentWordsPerKind() {
    for example in SyntheticSentiment.examples(count: 2000, seed: 6) {
      let words = example.sentence.text.split(separator: " ").map(String.init)
      let positive = words.filter { Self.positiveWords.contains($0) }.count
      let negative = words.filter { Self.negativeWords.contains($0) }.count
      let negators = words.filter { ["not", "never", "from"].contains($0) }.count
      let text = example.sentence.text
      switch example.kind {
      case .plain:
        XCTAssertTrue((1...2).contains(positive + negative), text)
        XCTAssertTrue(positive == 0 || negative == 0, text)
        XCTAssertEqual(negators, 0, text)
      case .negated:
        XCTAssertEqual([positive, negative, negators], [1, 1, 1], text)
      case .contrast:
        XCTAssertEqual([positive, negative, negators], [1, 1, 0], text)
        XCTAssertEqual(
          words.filter { ["but", "yet", "although"].contains($0) }.count, 1, text)
      case .long:
        XCTAssertEqual([positive + negative, negators], [1, 0], text)
        // The deciding word is followed by at least three filler clauses.
        let last = words.lastIndex {
          Self.positiveWords.contains($0) || Self.negativeWords.contains($0)
        }
        XCTAssertGreaterThanOrEqual(words.count - 1 - (last ?? 0), 12, text)
        XCTAssertGreaterThanOrEqual(words.filter { $0 == "," }.count, 3, text)
      }
    }
  }

  func testTextIsLowercaseWordsFromTheVocabulary() {
    var vocabulary = Self.positiveWords.union(Self.negativeWords)
    vocabulary.formUnion(SyntheticSentiment.aspects + SyntheticSentiment.intensifiers)
    vocabulary.formUnion(SyntheticSentiment.nounVerbIntensifiers)
    let phrases =
      SyntheticSentiment.adjectiveNegators + SyntheticSentiment.nounNegators
      + [SyntheticSentiment.verbNegator] + SyntheticSentiment.fillerTemplates
      + SyntheticSentiment.fillerSlots.flatMap { $0 }
    vocabulary.formUnion(phrases.flatMap { $0.split(separator: " ").map(String.init) })
    vocabulary.formUnion(["the", "is", "a", "i", "we", "and", "but", "yet", "although", ","])
    for example in SyntheticSentiment.examples(count: 1000, seed: 8) {
      let text = example.sentence.text
      XCTAssertEqual(text, text.lowercased())
      XCTAssertFalse(text.contains("  ") || text.hasPrefix(" ") || text.hasSuffix(" "), text)
      var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
      if words.last == "." { words.removeLast() }
      for word in words {
        XCTAssertTrue(vocabulary.contains(word), "'\(word)' in \(text)")
      }
    }
  }

  func testFillersAndFramesCarryNoSentiment() {
    let loaded =
      Self.positiveWords.union(Self.negativeWords)
      .union(SyntheticSentiment.intensifiers + SyntheticSentiment.nounVerbIntensifiers)
      .union(["not", "never", "far", "from", "at", "all", "do", "but", "yet", "although", "and"])
    let fillerWords =
      (SyntheticSentiment.fillerTemplates
      + SyntheticSentiment.fillerSlots.flatMap { $0 }).flatMap { $0.split(separator: " ") }
    for word in fillerWords + SyntheticSentiment.aspects.map({ Substring($0) }) {
      XCTAssertFalse(loaded.contains(String(word)), "'\(word)'")
    }
    XCTAssertEqual(
      SyntheticSentiment.fillerTemplates.count, SyntheticSentiment.fillerSlots.count)
    for (template, slot) in zip(SyntheticSentiment.fillerTemplates, SyntheticSentiment.fillerSlots)
    {
      XCTAssertEqual(template.contains("_"), !slot.isEmpty, template)
    }
    // Equal numbers of positive and negative words of each part of speech keep the two labels'
    // bags of words alike.
    XCTAssertEqual(
      SyntheticSentiment.positiveAdjectives.count, SyntheticSentiment.negativeAdjectives.count)
    XCTAssertEqual(SyntheticSentiment.positiveNouns.count, SyntheticSentiment.negativeNouns.count)
    XCTAssertEqual(SyntheticSentiment.positiveVerbs.count, SyntheticSentiment.negativeVerbs.count)
    XCTAssertTrue(Self.positiveWords.isDisjoint(with: Self.negativeWords))
  }

  func testSplitsAreDisjointWhateverTheHiddenSeed() {
    let a = SyntheticSentiment.splits(train: 3000, valid: 500, test: 500, hidden: 500, seed: 9)
    let b = SyntheticSentiment.splits(
      train: 3000, valid: 500, test: 500, hidden: 500, seed: 9, hiddenSeed: 12345)
    XCTAssertEqual(a.train, b.train, "the hidden seed leaves the other splits alone")
    XCTAssertEqual(a.test, b.test)
    XCTAssertNotEqual(a.hidden, b.hidden)
    func key(_ e: SyntheticSentiment.Example) -> String {
      let text = e.sentence.text
      return text.hasSuffix(" .") ? String(text.dropLast(2)) : text
    }
    let named: [(SyntheticSentiment.Split, [SyntheticSentiment.Example])] = [
      (.train, a.train), (.valid, a.valid), (.test, a.test), (.hidden, a.hidden),
      (.hidden, b.hidden),
    ]
    var owner: [String: SyntheticSentiment.Split] = [:]
    var withinSplitRepeats = 0
    for (split, examples) in named {
      XCTAssertEqual(Set(examples.map(key)).count, examples.count, "repeats within \(split)")
      for example in examples {
        XCTAssertEqual(SyntheticSentiment.split(of: example.sentence.text), split)
        if let previous = owner[key(example)] {
          XCTAssertEqual(previous, split, "in two splits: \(example.sentence.text)")
          withinSplitRepeats += 1
        }
        owner[key(example)] = split
      }
    }
    // Two hidden seeds may draw a few of the same hidden sentences, never another split's.
    XCTAssertLessThan(withinSplitRepeats, 50)
    XCTAssertEqual(a.train.count, 3000)
    XCTAssertEqual(a.hidden.count, 500)
  }

  func testSplitOfATextIgnoresTheFinalPeriodAndFollowsTheShares() {
    let examples = SyntheticSentiment.examples(count: 8000, seed: 10)
    var counts: [SyntheticSentiment.Split: Int] = [:]
    for example in examples {
      let text = example.sentence.text
      let bare = text.hasSuffix(" .") ? String(text.dropLast(2)) : text
      XCTAssertEqual(SyntheticSentiment.split(of: bare), SyntheticSentiment.split(of: bare + " ."))
      counts[SyntheticSentiment.split(of: text), default: 0] += 1
    }
    // Expected 5000, 1000, 1000, 1000 (standard deviations about 43 and 30).
    XCTAssertEqual(Double(counts[.train] ?? 0), 5000, accuracy: 250)
    for split in [SyntheticSentiment.Split.valid, .test, .hidden] {
      XCTAssertEqual(Double(counts[split] ?? 0), 1000, accuracy: 150, "\(split)")
    }
  }

  /// Naive Bayes on word counts, trained on the training split and scored per kind on the test
  /// split, is the bag-of-words baseline the generator is built to defeat.
  ///
  /// Measured with these splits (10,000 training and 4,000 test examples, 1,000 per kind, seed
  /// 2024): 100% on `plain`, 47.8% on `negated`, 51.2% on `contrast`, 98.0% on `long`. Over
  /// seeds 1 to 10 the same sizes gave 99.7-100% on `plain`, 47.8-51.7% on `negated` and
  /// `contrast`, and 90.5-96.1% on `long` (whose twenty-odd filler words add noise to naive
  /// Bayes's sum). Chance is what the design promises: swapping the roles of the two sentiment
  /// words of a `negated` or `contrast` sentence gives an equally likely sentence with the same
  /// bag of words and the other label. The bounds (above 95% and 80%, within 10 points of 50%,
  /// six standard deviations of a coin's score on 1,000 examples) leave room for other seeds.
  func testBagOfWordsIsNotEnough() {
    let split = SyntheticSentiment.splits(train: 10000, valid: 0, test: 4000, seed: 2024)
    var counts: [String: [String: Int]] = [:]
    var documents: [String: Int] = [:]
    var vocabulary = Set<String>()
    for example in split.train {
      let label = example.sentence.label
      documents[label, default: 0] += 1
      for word in example.sentence.text.split(separator: " ") {
        counts[label, default: [:]][String(word), default: 0] += 1
        vocabulary.insert(String(word))
      }
    }
    let labels = ["negative", "positive"]
    let totals = labels.map { counts[$0, default: [:]].values.reduce(0, +) }
    func predict(_ text: String) -> String {
      // Log prior plus the log-likelihood of every word, with add-one smoothing.
      let scores = labels.enumerated().map { (i, label) in
        text.split(separator: " ").reduce(log(Double(documents[label, default: 0]))) {
          $0
            + log(
              Double(counts[label, default: [:]][String($1), default: 0] + 1)
                / Double(totals[i] + vocabulary.count))
        }
      }
      return scores[1] > scores[0] ? labels[1] : labels[0]
    }
    var accuracy: [Kind: Double] = [:]
    for kind in Kind.allCases {
      let test = split.test.filter { $0.kind == kind }
      let right = test.filter { predict($0.sentence.text) == $0.sentence.label }.count
      accuracy[kind] = Double(right) / Double(test.count)
    }
    let report = Kind.allCases.map { "\($0): \(accuracy[$0] ?? 0)" }.joined(separator: ", ")
    XCTAssertGreaterThan(accuracy[.plain] ?? 0, 0.95, report)
    XCTAssertGreaterThan(accuracy[.long] ?? 0, 0.8, report)
    for kind in [Kind.negated, .contrast] {
      XCTAssertEqual(accuracy[kind] ?? 0, 0.5, accuracy: 0.1, report)
    }
  }
}
