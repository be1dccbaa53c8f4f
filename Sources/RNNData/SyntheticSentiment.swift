import Foundation
import RNNCore

/// A sentiment task the kit generates, in which counting words is not enough.
///
/// Every sentence talks about aspects of a film (`acting`, `plot`, `music`, ...) in *phrases*
/// that each carry one sentiment word from a fixed lexicon:
///
/// - an adjective: `the plot is gripping`, `the plot is very dull`;
/// - a noun: `the ending is a triumph`, `the ending is truly a mess`;
/// - a verb: `i love the music`, `we really hate the script`.
///
/// **Label rules.** A phrase's polarity is its sentiment word's, flipped when the phrase is
/// negated (`not`, `never`, `not at all` or `far from` before an adjective; `not`, `never` or
/// `far from` before a noun; `do not` before a verb). A phrase is negated at most once: no
/// double negation. Intensifiers (`very`, `truly`, `rather`, ...) never change polarity, and a
/// negated phrase has none (`not very bad` is not praise). Phrases joined by `and` always
/// agree. In a contrast the two clauses disagree and the one introduced by `but` or `yet`
/// decides, while the one introduced by `although` is conceded, so the other clause decides,
/// whether it comes first or last. Filler clauses (`i saw it on a monday`) carry no sentiment.
///
/// **Kinds.** Each example has one of four ``Kind``s:
///
/// | kind | example | label |
/// |---|---|---|
/// | `plain` | `the acting is superb and i love the music` | positive |
/// | `negated` | `the plot is not dull and the ending is a delight` | positive |
/// | `contrast` | `the acting is good but the plot is tedious .` | negative |
/// | `long` | `the score is awful , i saw it on a sunday , it runs for two hours , ...` | negative |
///
/// A `plain` sentence has one or two phrases of the label's polarity. A `negated` sentence has
/// two phrases of the same form (both adjectives, both nouns or both verbs), one negated and
/// one not, in either order. A `contrast` sentence has a conceded clause and a deciding one. A
/// `long` sentence is one plain phrase followed by three to five filler clauses (and sometimes
/// preceded by one), so the deciding words are at least a dozen words from the end. `plain`,
/// `negated` and `contrast` sentences sometimes carry one filler clause too.
///
/// **Why counting fails.** A `negated` or `contrast` sentence has exactly one positive and one
/// negative sentiment word, and the two phrases are drawn alike except for which of them
/// decides. Swapping the roles of the two words gives a sentence with the same bag of words and
/// the opposite label, and both are equally likely, so no classifier that ignores word order
/// (naive Bayes, logistic regression, an MLP on averaged embeddings) can beat chance on these
/// kinds. It learns the words' polarity from `plain` and `long` sentences, where it does well.
/// Doing better takes order: which word a negation governs, which side of `but` a word is on.
///
/// **Text.** Lowercase words separated by single spaces; commas and the optional final period
/// are tokens of their own (`..., the plot is dull .`), as in the tokenized review corpora.
/// Labels are ``LabeledSentenceFile/positive`` and ``LabeledSentenceFile/negative``.
///
/// Every generator is deterministic: the same arguments give the same examples on every
/// platform (all draws go through ``RNNCore/RandomSource``).
public enum SyntheticSentiment {
  /// What makes an example hard; see ``SyntheticSentiment`` for the shapes.
  public enum Kind: String, CaseIterable, Sendable {
    /// One or two phrases of the label's polarity.
    case plain
    /// A negated phrase and a plain one, agreeing.
    case negated
    /// Two clauses of opposite polarity; `but`/`yet` or `although` says which decides.
    case contrast
    /// One plain phrase followed by three to five filler clauses.
    case long
  }

  /// A generated sentence, its label, and its kind.
  public struct Example: Equatable, Sendable {
    /// The sentence and its label (`positive` or `negative`).
    public var sentence: LabeledSentence
    /// The shape of the sentence.
    public var kind: Kind

    /// An example.
    public init(sentence: LabeledSentence, kind: Kind) {
      self.sentence = sentence
      self.kind = kind
    }
  }

  /// The four parts the space of sentences is divided into; see
  /// ``splits(train:valid:test:hidden:seed:hiddenSeed:)``.
  public enum Split: String, CaseIterable, Sendable {
    /// Ten sixteenths of all sentences.
    case train
    /// Two sixteenths.
    case valid
    /// Two sixteenths.
    case test
    /// Two sixteenths, for the grader's held-out examples.
    case hidden
  }

  // MARK: Vocabulary

  /// Positive adjectives.
  public static let positiveAdjectives = [
    "good", "great", "superb", "brilliant", "charming", "clever", "gripping", "moving",
    "wonderful", "delightful", "fresh", "stunning", "witty", "excellent", "engaging", "lovely",
  ]
  /// Negative adjectives.
  public static let negativeAdjectives = [
    "bad", "dull", "boring", "awful", "weak", "clumsy", "tedious", "flat", "bland", "messy",
    "silly", "poor", "stale", "lifeless", "dreadful", "terrible",
  ]
  /// Positive nouns, used as `the ASPECT is a NOUN`.
  public static let positiveNouns = [
    "triumph", "delight", "gem", "treat", "joy", "masterpiece", "pleasure", "marvel",
  ]
  /// Negative nouns.
  public static let negativeNouns = [
    "mess", "bore", "disaster", "failure", "letdown", "chore", "disappointment", "flop",
  ]
  /// Positive verbs, used as `i VERB the ASPECT`.
  public static let positiveVerbs = ["love", "enjoy", "like", "admire", "adore"]
  /// Negative verbs.
  public static let negativeVerbs = ["hate", "dislike", "loathe", "despise", "detest"]

  /// What the phrases talk about (all singular).
  public static let aspects = [
    "acting", "plot", "music", "script", "dialogue", "pacing", "ending", "soundtrack",
    "direction", "story", "humor", "cinematography", "editing", "cast", "score", "casting",
  ]

  /// The words that may strengthen an adjective (`very good`).
  public static let intensifiers = [
    "very", "truly", "rather", "really", "quite", "so", "extremely",
  ]
  /// The words that may strengthen a noun (`truly a gem`) or a verb (`really love`).
  public static let nounVerbIntensifiers = ["truly", "really"]

  /// The negations of an adjective (`never boring`, `not at all bad`).
  public static let adjectiveNegators = ["not", "never", "not at all", "far from"]
  /// The negations of a noun (`not a triumph`, `far from a disaster`).
  public static let nounNegators = ["not", "never", "far from"]
  /// The negation of a verb.
  public static let verbNegator = "do not"

  /// The neutral clauses filler is made of, before filling in the slot `_` from ``fillerSlots``.
  public static let fillerTemplates = [
    "i saw it on a _", "i went with my _", "we went with my _", "it is set in _",
    "it runs for _", "the film is based on a _", "it opened last _", "my _ picked it",
    "the theater was _", "it was raining outside", "we bought the tickets _",
    "the film was shot in _", "i had read about it in the paper", "the lights went down late",
  ]
  /// The words for each slot of ``fillerTemplates``, in the same order (empty for none).
  public static let fillerSlots: [[String]] = [
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    ["sister", "brother", "parents", "friends", "cousin", "neighbor", "roommate", "father"],
    ["sister", "brother", "parents", "friends", "cousin", "neighbor", "roommate", "mother"],
    ["paris", "rome", "a small town", "the desert", "new york", "the mountains", "london"],
    ["two hours", "ninety minutes", "almost three hours", "a little over two hours"],
    ["novel", "true story", "comic book", "stage play", "short story", "video game"],
    ["week", "month", "spring", "summer", "winter", "autumn", "year"],
    ["sister", "brother", "father", "mother", "cousin", "neighbor", "roommate", "uncle"],
    ["full", "packed", "half full", "quiet", "warm", "cold", "crowded"],
    [],
    ["online", "in the lobby", "a week ahead", "on the phone"],
    ["spain", "canada", "morocco", "iceland", "a studio", "one month", "winter"],
    [],
    [],
  ]

  // MARK: Generation

  /// `count` distinct examples drawn with `seed` (the same seed gives the same examples).
  ///
  /// The kinds take turns, so each is a quarter of the examples (the first `count % 4` kinds
  /// in ``Kind/allCases`` order have one more), and within each kind the labels alternate,
  /// positive first; the examples are then shuffled. No two examples have the same text up to
  /// the final period (a repeat is drawn again). They come from the whole space of sentences,
  /// so they may share sentences with ``splits(train:valid:test:hidden:seed:hiddenSeed:)``.
  public static func examples(count: Int, seed: UInt64) -> [Example] {
    precondition(count >= 0, "SyntheticSentiment.examples: count must not be negative")
    var rng = RandomSource(seed: seed)
    return draw(count: count, in: nil, &rng)
  }

  /// Training, validation, test and hidden examples, each split drawn as in
  /// ``examples(count:seed:)`` but only from its own part of the sentence space.
  ///
  /// Every sentence belongs to exactly one ``Split``, decided by a fixed hash of its text
  /// (``split(of:)``), so no sentence (up to the final period) can be in two splits, whatever
  /// the seeds. The train, valid and test splits are drawn from three generators seeded from
  /// `seed`. The hidden split is for grading and never ships with the handout: the grader draws
  /// it with a `hiddenSeed` it keeps to itself, and since it comes from a part of the space no
  /// other split draws from, a model cannot have trained on it. Without `hiddenSeed`, it is
  /// seeded from `seed` as well.
  public static func splits(
    train: Int, valid: Int, test: Int, hidden: Int = 0, seed: UInt64, hiddenSeed: UInt64? = nil
  ) -> (train: [Example], valid: [Example], test: [Example], hidden: [Example]) {
    precondition(
      train >= 0 && valid >= 0 && test >= 0 && hidden >= 0,
      "SyntheticSentiment.splits: counts must not be negative")
    var seeds = RandomSource(seed: seed)
    var trainRNG = RandomSource(seed: seeds.next())
    var validRNG = RandomSource(seed: seeds.next())
    var testRNG = RandomSource(seed: seeds.next())
    var hiddenRNG = RandomSource(seed: hiddenSeed ?? seeds.next())
    return (
      draw(count: train, in: .train, &trainRNG), draw(count: valid, in: .valid, &validRNG),
      draw(count: test, in: .test, &testRNG), draw(count: hidden, in: .hidden, &hiddenRNG)
    )
  }

  /// The split `text` belongs to. A trailing ` .` is ignored, so a sentence and the same
  /// sentence with a period always fall in the same split.
  public static func split(of text: String) -> Split {
    let key = text.hasSuffix(" .") ? String(text.dropLast(2)) : text
    // FNV-1a over the bytes, then the SplitMix64 finalizer to spread the low bits.
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in key.utf8 {
      hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
    hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
    hash ^= hash >> 31
    switch hash % 16 {
    case 0..<10: return .train
    case 10..<12: return .valid
    case 12..<14: return .test
    default: return .hidden
    }
  }

  /// How many draws one example may take before the generator gives up: far more than the
  /// handful a split needs until its part of the space runs out of new sentences.
  static let maximumAttempts = 10_000

  /// `count` distinct examples from `split`'s part of the space (or all of it for `nil`).
  static func draw(count: Int, in split: Split?, _ rng: inout RandomSource) -> [Example] {
    var seen = Set<String>()
    var examples: [Example] = []
    examples.reserveCapacity(count)
    for i in 0..<count {
      let kind = Kind.allCases[i % Kind.allCases.count]
      let positive = (i / Kind.allCases.count) % 2 == 0
      var attempts = 0
      while true {
        attempts += 1
        precondition(
          attempts <= maximumAttempts,
          "SyntheticSentiment: cannot find \(count) distinct \(kind.rawValue) sentences "
            + "in the \(split?.rawValue ?? "whole") space; ask for fewer")
        let words = sentence(kind, positive: positive, &rng)
        let key = words.joined(separator: " ")
        guard split.map({ Self.split(of: key) == $0 }) ?? true, !seen.contains(key) else {
          continue
        }
        seen.insert(key)
        let text = rng.int(below: 2) == 0 ? key + " ." : key
        let label = positive ? LabeledSentenceFile.positive : LabeledSentenceFile.negative
        examples.append(Example(sentence: LabeledSentence(text: text, label: label), kind: kind))
        break
      }
    }
    let order = rng.permutation(examples.count)
    return order.map { examples[$0] }
  }

  /// The words of one sentence of `kind` whose label is positive or not, without the period.
  static func sentence(_ kind: Kind, positive: Bool, _ rng: inout RandomSource) -> [String] {
    var aspectsLeft = aspects
    switch kind {
    case .plain:
      var words = phrase(positive: positive, negated: false, &aspectsLeft, &rng)
      if rng.int(below: 5) < 2 {
        words += ["and"] + phrase(positive: positive, negated: false, &aspectsLeft, &rng)
      }
      return withFiller(words, &rng)
    case .negated:
      // Both phrases take the same form, so the kind of negator (`do not` goes with verbs,
      // `not at all` with adjectives) does not give away which sentiment word it governs.
      let form = drawForm(&rng)
      let negated = phrase(positive: positive, negated: true, form: form, &aspectsLeft, &rng)
      let plain = phrase(positive: positive, negated: false, form: form, &aspectsLeft, &rng)
      let words =
        rng.int(below: 2) == 0 ? negated + ["and"] + plain : plain + ["and"] + negated
      return withFiller(words, &rng)
    case .contrast:
      let conceded = phrase(positive: !positive, negated: false, &aspectsLeft, &rng)
      let deciding = phrase(positive: positive, negated: false, &aspectsLeft, &rng)
      let words: [String]
      switch rng.int(below: 4) {
      case 0: words = conceded + ["but"] + deciding
      case 1: words = conceded + ["yet"] + deciding
      case 2: words = ["although"] + conceded + [","] + deciding
      default: words = deciding + [",", "although"] + conceded
      }
      return withFiller(words, &rng)
    case .long:
      var words = phrase(positive: positive, negated: false, &aspectsLeft, &rng)
      // No filler twice in one sentence.
      var templatesLeft = Array(fillerTemplates.indices)
      if rng.int(below: 10) < 3 { words = filler(&templatesLeft, &rng) + [","] + words }
      let after = 3 + rng.int(below: 3)
      for k in 0..<after {
        words += (k == after - 1 ? [",", "and"] : [","]) + filler(&templatesLeft, &rng)
      }
      return words
    }
  }

  /// `words` with, three times in ten, a filler clause before or after.
  static func withFiller(_ words: [String], _ rng: inout RandomSource) -> [String] {
    var templatesLeft = Array(fillerTemplates.indices)
    switch rng.int(below: 20) {
    case 0..<3: return filler(&templatesLeft, &rng) + [","] + words
    case 3..<6: return words + [","] + filler(&templatesLeft, &rng)
    default: return words
    }
  }

  /// The three forms of a phrase.
  enum Form {
    case adjective, noun, verb
  }

  /// A form drawn with weights 2:1:1 (adjectives have the most words).
  static func drawForm(_ rng: inout RandomSource) -> Form {
    switch rng.int(below: 4) {
    case 0, 1: return .adjective
    case 2: return .noun
    default: return .verb
    }
  }

  /// One phrase about an aspect not used yet (taken out of `aspectsLeft`) whose polarity,
  /// after negation, is positive or not.
  static func phrase(
    positive: Bool, negated: Bool, form: Form? = nil, _ aspectsLeft: inout [String],
    _ rng: inout RandomSource
  ) -> [String] {
    let aspect = aspectsLeft.remove(at: rng.int(below: aspectsLeft.count))
    // The sentiment word's own polarity.
    let wordIsPositive = positive != negated
    func pick(_ list: [String]) -> String { list[rng.int(below: list.count)] }
    func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }
    switch form ?? drawForm(&rng) {
    case .adjective:
      let adjective = pick(wordIsPositive ? positiveAdjectives : negativeAdjectives)
      var modifier: [String] = []
      if negated {
        modifier = words(pick(adjectiveNegators))
      } else if rng.int(below: 5) < 2 {
        modifier = [pick(intensifiers)]
      }
      return ["the", aspect, "is"] + modifier + [adjective]
    case .noun:
      let noun = pick(wordIsPositive ? positiveNouns : negativeNouns)
      var modifier: [String] = []
      if negated {
        modifier = words(pick(nounNegators))
      } else if rng.int(below: 10) < 3 {
        modifier = [pick(nounVerbIntensifiers)]
      }
      return ["the", aspect, "is"] + modifier + ["a", noun]
    case .verb:
      let verb = pick(wordIsPositive ? positiveVerbs : negativeVerbs)
      var modifier: [String] = []
      if negated {
        modifier = words(verbNegator)
      } else if rng.int(below: 10) < 3 {
        modifier = [pick(nounVerbIntensifiers)]
      }
      return [pick(["i", "we"])] + modifier + [verb, "the", aspect]
    }
  }

  /// One neutral clause from a template not used yet (taken out of `templatesLeft`).
  static func filler(_ templatesLeft: inout [Int], _ rng: inout RandomSource) -> [String] {
    let template = templatesLeft.remove(at: rng.int(below: templatesLeft.count))
    var text = fillerTemplates[template]
    let slot = fillerSlots[template]
    if !slot.isEmpty {
      text = text.replacingOccurrences(of: "_", with: slot[rng.int(below: slot.count)])
    }
    return text.split(separator: " ").map(String.init)
  }
}
