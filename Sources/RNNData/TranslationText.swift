/// Splits the sentences of a translation corpus into tokens, and joins a model's output tokens
/// back into readable text.
///
///     TranslationText.tokens("Hello, world.", level: .word)   // ["hello", ",", "world", "."]
///     TranslationText.tokens("I'm well-known!", level: .word) // ["i'm", "well-known", "!"]
///     TranslationText.tokens("3 Mar", level: .character)      // ["3", " ", "M", "a", "r"]
public enum TranslationText {
  /// What a token is.
  public enum Level: String, CaseIterable, Sendable {
    /// Lowercased words, with punctuation marks as tokens of their own: a small vocabulary for
    /// real sentences, where case carries little meaning.
    case word
    /// Every character (grapheme cluster) as it is: case kept, spaces and digits included. For
    /// tasks read letter by letter, such as the kit's date normalization, whose inputs vary in
    /// case on purpose and whose digits must be copied one by one.
    case character
  }

  /// The tokens of `text` at `level`.
  ///
  /// Word level lowercases the text, splits it at whitespace, and cuts punctuation and symbols
  /// (`. , ! ? ; : " « » ¿ ¡ ( ) $ %` and the like) off as one-character tokens. Two kinds of
  /// mark stay inside a word because they are part of it: an apostrophe or hyphen between
  /// letters or digits (`i'm`, `aujourd'hui`, `well-known`), and a `.`, `,`, `:` or `/` between
  /// digits (`3.5`, `1,000`, `10:30`, `3/4`).
  ///
  /// Character level returns every character unchanged (no lowercasing), spaces included.
  public static func tokens(_ text: String, level: Level) -> [String] {
    switch level {
    case .character: return text.map { String($0) }
    case .word: return words(Array(text.lowercased()))
    }
  }

  /// `tokens` as text: concatenated at character level; at word level separated by single
  /// spaces, except that the closing marks `. , ! ? ; :` attach to the word before them.
  ///
  /// Word level is a readable approximation, not the inverse of ``tokens(_:level:)``: case and
  /// the original spacing are gone (`va !` comes back as `va!`). Tokenizing the joined tokens
  /// of a text again gives the same tokens.
  public static func join(_ tokens: [String], level: Level) -> String {
    switch level {
    case .character: return tokens.joined()
    case .word:
      var text = ""
      for token in tokens {
        if !text.isEmpty && !closingMarks.contains(token) { text += " " }
        text += token
      }
      return text
    }
  }

  /// Marks that `join` writes without a space before them.
  static let closingMarks: Set<String> = [".", ",", "!", "?", ";", ":"]
  /// Marks that stay inside a word between two letters or digits.
  static let joiners: Set<Character> = ["'", "\u{2019}", "-", "\u{2010}", "\u{2011}"]
  /// Marks that stay inside a number between two digits.
  static let numberSeparators: Set<Character> = [".", ",", ":", "/"]

  /// Word-level tokens of already lowercased characters.
  static func words(_ characters: [Character]) -> [String] {
    var tokens: [String] = []
    var word = ""
    func flush() {
      if !word.isEmpty { tokens.append(word) }
      word = ""
    }
    func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
    for (i, c) in characters.enumerated() {
      if c.isWhitespace {
        flush()
        continue
      }
      guard c.isPunctuation || c.isSymbol else {
        word.append(c)
        continue
      }
      let before = i > 0 ? characters[i - 1] : nil
      let after = i + 1 < characters.count ? characters[i + 1] : nil
      let inWord =
        joiners.contains(c) && before.map(isWordCharacter) == true
        && after.map(isWordCharacter) == true
      let inNumber =
        numberSeparators.contains(c) && before?.isNumber == true && after?.isNumber == true
      if inWord || inNumber {
        word.append(c)
      } else {
        flush()
        tokens.append(String(c))
      }
    }
    flush()
    return tokens
  }
}
