/// The tokens a language model reads and predicts, with their integer ids.
///
/// Two levels:
/// - **character**: every character (extended grapheme cluster, so `"\r\n"` and `"é"` are one
///   token each) is a token; newlines are ordinary tokens. Id 0 is `<unk>`, used for characters
///   the training text never had.
/// - **word**: tokens are the whitespace-separated words of each line, and every non-empty line
///   ends with `<eos>` (end of sentence). Id 0 is `<unk>` (rare and unseen words), id 1 is
///   `<eos>`.
///
/// After the special tokens come the others by decreasing training count, ties in code-point
/// order of their text, so a text always gives the same ids.
///
///     let vocabulary = TokenVocabulary.words(from: "the cat sat\nthe dog sat\n")
///     vocabulary.encode("the cat ran\n")  // [the, cat, <unk>, <eos>] as ids
public struct TokenVocabulary: Codable, Equatable, Sendable {
  /// How text is cut into tokens.
  public enum Level: String, Codable, Sendable {
    /// One token per character.
    case character
    /// One token per whitespace-separated word, and `<eos>` at the end of every line.
    case word
  }

  /// The token that stands for anything outside the vocabulary.
  public static let unknownToken = "<unk>"
  /// The token that ends every sentence (line) at word level.
  public static let endOfSentenceToken = "<eos>"
  /// What ``decode(_:)`` writes for `<unk>` at character level.
  public static let unknownCharacterReplacement = "\u{FFFD}"

  /// How text is cut into tokens.
  public let level: Level
  /// The token text of each id: `tokens[id]`.
  public let tokens: [String]
  private let ids: [String: Int]

  /// The number of tokens, the `V` in `vocabularySize`.
  public var count: Int { tokens.count }
  /// The id of `<unk>` (always 0).
  public var unknownID: Int { 0 }
  /// The id of `<eos>` (1) at word level; `nil` at character level.
  public var endOfSentenceID: Int? { level == .word ? 1 : nil }

  /// A vocabulary with exactly these tokens, in this order. The special tokens must come
  /// first: `<unk>`, and at word level `<eos>`. Tokens must be distinct.
  public init(level: Level, tokens: [String]) throws {
    let specials = Self.specialTokens(level)
    guard Array(tokens.prefix(specials.count)) == specials else {
      throw VocabularyError.missingSpecialTokens(expected: specials)
    }
    var ids: [String: Int] = [:]
    for (id, token) in tokens.enumerated() {
      if ids[token] != nil { throw VocabularyError.duplicateToken(token) }
      ids[token] = id
    }
    self.level = level
    self.tokens = tokens
    self.ids = ids
  }

  private init(level: Level, checkedTokens tokens: [String]) {
    self.level = level
    self.tokens = tokens
    var ids: [String: Int] = [:]
    for (id, token) in tokens.enumerated() { ids[token] = id }
    self.ids = ids
  }

  private static func specialTokens(_ level: Level) -> [String] {
    level == .word ? [unknownToken, endOfSentenceToken] : [unknownToken]
  }

  /// Builds a character vocabulary from `text`: every character seen at least
  /// `minimumCount` times.
  public static func characters(from text: String, minimumCount: Int = 1) -> TokenVocabulary {
    build(level: .character, tokens: tokenize(text, level: .character), minimumCount: minimumCount)
  }

  /// Builds a word vocabulary from `text`: words seen at least `minimumCount` times, at most
  /// `maximumSize` tokens in all (the most frequent words win).
  public static func words(
    from text: String, minimumCount: Int = 1, maximumSize: Int? = nil
  ) -> TokenVocabulary {
    build(
      level: .word, tokens: tokenize(text, level: .word), minimumCount: minimumCount,
      maximumSize: maximumSize)
  }

  /// Builds a word vocabulary from sentences that are already split into words.
  public static func words(
    fromSentences sentences: [[String]], minimumCount: Int = 1, maximumSize: Int? = nil
  ) -> TokenVocabulary {
    build(
      level: .word, tokens: sentences.flatMap { $0 + [endOfSentenceToken] },
      minimumCount: minimumCount, maximumSize: maximumSize)
  }

  private static func build(
    level: Level, tokens: [String], minimumCount: Int, maximumSize: Int? = nil
  ) -> TokenVocabulary {
    let specials = specialTokens(level)
    var counts: [String: Int] = [:]
    for token in tokens where !specials.contains(token) { counts[token, default: 0] += 1 }
    var ranked = counts.filter { $0.value >= minimumCount }.sorted {
      $0.value != $1.value
        ? $0.value > $1.value
        : $0.key.unicodeScalars.lexicographicallyPrecedes(
          $1.key.unicodeScalars)
    }.map(\.key)
    if let maximumSize { ranked = Array(ranked.prefix(max(0, maximumSize - specials.count))) }
    return TokenVocabulary(level: level, checkedTokens: specials + ranked)
  }

  /// Cuts `text` into token strings (`<eos>` included at word level), without looking
  /// anything up.
  public static func tokenize(_ text: String, level: Level) -> [String] {
    switch level {
    case .character:
      return text.map { String($0) }
    case .word:
      var out: [String] = []
      for line in text.split(whereSeparator: \.isNewline) {
        let words = line.split(whereSeparator: \.isWhitespace)
        if words.isEmpty { continue }
        out.append(contentsOf: words.map(String.init))
        out.append(endOfSentenceToken)
      }
      return out
    }
  }

  /// Whether `token` has its own id.
  public func contains(_ token: String) -> Bool { ids[token] != nil }

  /// The id of `token`, or ``unknownID`` if it is not in the vocabulary.
  public func id(of token: String) -> Int { ids[token] ?? unknownID }

  /// The ids of `text`'s tokens (see ``Level``).
  public func encode(_ text: String) -> [Int] {
    Self.tokenize(text, level: level).map { id(of: $0) }
  }

  /// The ids of pre-split sentences, each followed by `<eos>` (word level).
  public func encode(sentences: [[String]]) -> [Int] {
    var out: [Int] = []
    for sentence in sentences {
      out.append(contentsOf: sentence.map { id(of: $0) })
      out.append(endOfSentenceID ?? unknownID)
    }
    return out
  }

  /// Text for `ids`: characters joined as they are (`<unk>` shown as U+FFFD), or words joined
  /// by spaces with a line break for every `<eos>`.
  public func decode(_ ids: [Int]) -> String {
    switch level {
    case .character:
      return ids.map { $0 == unknownID ? Self.unknownCharacterReplacement : token($0) }.joined()
    case .word:
      var out = ""
      var lineStart = true
      for id in ids {
        if id == endOfSentenceID {
          out += "\n"
          lineStart = true
          continue
        }
        if !lineStart { out += " " }
        out += token(id)
        lineStart = false
      }
      return out
    }
  }

  /// The text of token `id` (`"<unk>"` for ids out of range).
  public func token(_ id: Int) -> String {
    tokens.indices.contains(id) ? tokens[id] : Self.unknownToken
  }

  private enum CodingKeys: String, CodingKey {
    case level, tokens
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    try self.init(
      level: try container.decode(Level.self, forKey: .level),
      tokens: try container.decode([String].self, forKey: .tokens))
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(level, forKey: .level)
    try container.encode(tokens, forKey: .tokens)
  }

  public static func == (lhs: TokenVocabulary, rhs: TokenVocabulary) -> Bool {
    lhs.level == rhs.level && lhs.tokens == rhs.tokens
  }
}

/// A vocabulary that cannot be built as asked.
public enum VocabularyError: Error, Equatable, CustomStringConvertible {
  /// The token list does not start with the special tokens.
  case missingSpecialTokens(expected: [String])
  /// A token appears twice.
  case duplicateToken(String)

  public var description: String {
    switch self {
    case .missingSpecialTokens(let expected):
      return "a vocabulary must start with the special tokens \(expected)"
    case .duplicateToken(let token):
      return "the vocabulary lists the token \"\(token)\" twice"
    }
  }
}
