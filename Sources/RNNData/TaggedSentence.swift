/// One sentence of a sequence-labeling corpus: its words and one tag per word (`O`, `B-PER`,
/// `I-PER`, ...).
public struct TaggedSentence: Equatable, Sendable {
  /// The words, in order.
  public var words: [String]
  /// One tag per word.
  public var tags: [String]

  /// A sentence; `words` and `tags` must have the same length.
  public init(words: [String], tags: [String]) {
    precondition(
      words.count == tags.count,
      "TaggedSentence: \(words.count) words and \(tags.count) tags; give one tag per word")
    self.words = words
    self.tags = tags
  }
}

/// The spelling pattern of a word, a feature taggers embed next to the word itself: a word
/// tagger has never seen most names, but it has seen many Capitalized words.
public enum WordShape: Int, CaseIterable, Sendable {
  /// Letters, all lowercase (`river`).
  case lowercase
  /// An uppercase letter followed by lowercase letters (`Paris`).
  case capitalized
  /// Letters, all uppercase, more than one (`NATO`).
  case allCaps
  /// Letters in any other mix of cases (`iPhone`, `McDonald`).
  case mixedCase
  /// Digits only (`2003`).
  case number
  /// Contains a digit and something else (`F-16`, `3rd`, `1.5`).
  case hasDigit
  /// No letters or digits (`,`, `--`).
  case punctuation
  /// Letters with hyphens, apostrophes or other marks, or a single uppercase letter (`I`,
  /// `O'Neil`, `well-known`).
  case other

  /// The shape of `word`.
  public init(_ word: String) {
    var letters = 0
    var upper = 0
    var digits = 0
    var others = 0
    var firstIsUpper = false
    for (i, c) in word.enumerated() {
      if c.isNumber {
        digits += 1
      } else if c.isLetter {
        letters += 1
        if c.isUppercase {
          upper += 1
          if i == 0 { firstIsUpper = true }
        }
      } else {
        others += 1
      }
    }
    if digits > 0 {
      self = letters == 0 && others == 0 ? .number : .hasDigit
    } else if letters == 0 {
      self = .punctuation
    } else if others > 0 {
      self = .other
    } else if upper == 0 {
      self = .lowercase
    } else if upper == letters {
      self = letters > 1 ? .allCaps : .other
    } else if upper == 1 && firstIsUpper {
      self = .capitalized
    } else {
      self = .mixedCase
    }
  }

  /// A short readable name (`Xxxx`, `xxxx`, `XXXX`, ...).
  public var name: String {
    switch self {
    case .lowercase: "xxxx"
    case .capitalized: "Xxxx"
    case .allCaps: "XXXX"
    case .mixedCase: "xXxX"
    case .number: "dddd"
    case .hasDigit: "Xd"
    case .punctuation: "."
    case .other: "other"
    }
  }
}
