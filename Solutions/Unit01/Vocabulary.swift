import RNNCore

/// The set of token types a model knows, each with an integer id.
///
/// Ids `0`, `1` and `2` are reserved for the three special tokens, then come the words in the
/// order given (``build(from:minCount:maxWords:)`` orders them by frequency):
///
/// | id | token | meaning |
/// | --- | --- | --- |
/// | 0 | `<unk>` | any word not in the vocabulary |
/// | 1 | `<s>` | the start of a sentence: context only, never predicted |
/// | 2 | `</s>` | the end of a sentence: predicted like a word |
///
/// A model predicts ``predictableCount`` = `count - 1` outcomes: every id except `<s>`.
/// Looking up the strings `"<s>"` or `"</s>"` as words gives `nil` (they are markers, not
/// text), while `"<unk>"` gives id 0, so corpora that already contain `<unk>` (the Penn
/// Treebank) keep their meaning.
public struct Vocabulary: Equatable, Sendable {
  /// The unknown-word token.
  public static let unknown = "<unk>"
  /// The sentence-start marker.
  public static let start = "<s>"
  /// The sentence-end marker.
  public static let end = "</s>"
  /// The id of `<unk>`.
  public static let unknownID = 0
  /// The id of `<s>`.
  public static let startID = 1
  /// The id of `</s>`.
  public static let endID = 2

  /// Every token, indexed by id: `["<unk>", "<s>", "</s>", word0, word1, ...]`.
  public let tokens: [String]
  /// Word -> id, for `<unk>` and the words (not for `<s>` or `</s>`).
  let index: [String: Int]

  /// Creates a vocabulary of the special tokens followed by `words` (ids 3, 4, ...).
  ///
  /// - Precondition: `words` has no duplicates and none of `<unk>`, `<s>`, `</s>`.
  public init(words: [String]) {
    var index = [Vocabulary.unknown: Vocabulary.unknownID]
    for (offset, word) in words.enumerated() {
      precondition(
        word != Vocabulary.unknown && word != Vocabulary.start && word != Vocabulary.end,
        "Vocabulary: \"\(word)\" is a special token and cannot be listed as a word")
      precondition(index[word] == nil, "Vocabulary: the word \"\(word)\" is listed twice")
      index[word] = offset + 3
    }
    self.tokens = [Vocabulary.unknown, Vocabulary.start, Vocabulary.end] + words
    self.index = index
  }

  /// The number of ids, special tokens included.
  public var count: Int { tokens.count }

  /// The number of outcomes a model predicts: every id except `<s>` (so words, `<unk>` and
  /// `</s>`). This is the `|V|` of add-k smoothing and of the uniform distribution.
  public var predictableCount: Int { tokens.count - 1 }

  /// The id of `word`, or `nil` if it is not in the vocabulary (`"<s>"` and `"</s>"` are not
  /// looked up). See ``encode(_:)`` for the mapping that sends unknown words to `<unk>`.
  public func id(of word: String) -> Int? { index[word] }

  /// Whether `word` is in the vocabulary.
  public func contains(_ word: String) -> Bool { index[word] != nil }

  /// The token with id `id`.
  public func token(_ id: Int) -> String {
    precondition(tokens.indices.contains(id), "Vocabulary: no token with id \(id)")
    return tokens[id]
  }

  /// The tokens of a list of ids.
  public func decode(_ ids: [Int]) -> [String] { ids.map(token) }

  /// Builds a vocabulary from training sentences.
  ///
  /// Counts every word (the strings `<unk>`, `<s>` and `</s>` are skipped: they have fixed
  /// ids), keeps the words seen at least `minCount` times, sorts them by count, most frequent
  /// first, breaking ties by the words' string order (`<`), and keeps at most `maxWords` of
  /// them (the lectures keep the 10,000 most frequent). Every other word will be read as
  /// `<unk>`.
  ///
  /// - Parameters:
  ///   - sentences: tokenized training sentences.
  ///   - minCount: the smallest count a word needs to be kept (at least 1).
  ///   - maxWords: the most words to keep, special tokens not included; `nil` for no limit.
  public static func build(
    from sentences: [[String]], minCount: Int = 1, maxWords: Int? = nil
  ) -> Vocabulary {
    precondition(minCount >= 1, "Vocabulary.build: minCount must be at least 1, got \(minCount)")
    precondition(
      (maxWords ?? 0) >= 0, "Vocabulary.build: maxWords must not be negative, got \(maxWords ?? 0)")
    // BEGIN SOLUTION 01.2 Vocabulary.build | Lectures/01-ngram-language-models.md §3
    var counts: [String: Int] = [:]
    for sentence in sentences {
      for word in sentence where word != unknown && word != start && word != end {
        counts[word, default: 0] += 1
      }
    }
    let kept = counts.filter { $0.value >= minCount }
      .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
      .map(\.key)
    return Vocabulary(words: Array(kept.prefix(maxWords ?? kept.count)))
    // END SOLUTION
  }

  /// The ids of a tokenized sentence, every unknown word mapped to `<unk>` (id 0). No markers
  /// are added, and nothing is dropped: the result has one id per word.
  public func encode(_ sentence: [String]) -> [Int] {
    // BEGIN SOLUTION 01.3 Vocabulary.encode | Lectures/01-ngram-language-models.md §3
    sentence.map { index[$0] ?? Vocabulary.unknownID }
    // END SOLUTION
  }
}
