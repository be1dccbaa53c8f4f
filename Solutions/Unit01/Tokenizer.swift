import RNNCore

/// What a token is: a word (with punctuation split off) or a single character.
public enum TokenizationMode: String, CaseIterable, Sendable {
  /// Words and punctuation marks, as described in ``Tokenizer/sentences(in:)``.
  case words
  /// Single characters (grapheme clusters), spaces included: a character-level model.
  case characters
}

/// Splits raw text into sentences of tokens.
///
/// A sentence is one non-blank line of the text. That matches the usual corpora: the Penn
/// Treebank language-modeling files hold one sentence per line, and Tiny Shakespeare one line of
/// verse per line. The markers `<s>` and `</s>` are *not* added here: they belong to the model
/// (see ``NGramCounts/add(sentence:)``), which needs `n - 1` of the first and one of the second.
public struct Tokenizer: Equatable, Sendable {
  /// Words or characters.
  public var mode: TokenizationMode
  /// Whether to lowercase the text first (fewer distinct tokens, so fewer unseen n-grams).
  public var lowercased: Bool

  /// Creates a tokenizer.
  public init(mode: TokenizationMode = .words, lowercased: Bool = false) {
    self.mode = mode
    self.lowercased = lowercased
  }

  /// The sentences of `text`, one per non-blank line, each a list of tokens.
  ///
  /// - Lines end at any newline (`\n`, `\r\n`, ...). A line that is empty or holds only
  ///   whitespace is skipped. With ``lowercased`` the line is lowercased first.
  /// - ``TokenizationMode/characters``: every character of the line is a token, spaces
  ///   included (`"to be"` gives `["t", "o", " ", "b", "e"]`).
  /// - ``TokenizationMode/words``: whitespace separates chunks. A chunk of three or more
  ///   characters that starts with `<` and ends with `>` (such as `<unk>` in the Penn Treebank)
  ///   is one token (so `<>` is two marks). Any other chunk is cut into words and marks: a word is a maximal run of letters and digits that may also
  ///   contain an apostrophe followed by a letter or digit (`don't`, `'tis`) or a hyphen between
  ///   letters or digits (`well-known`); every other character is a token of its own
  ///   (`"Citizen:"` gives `["Citizen", ":"]`).
  public func sentences(in text: String) -> [[String]] {
    // BEGIN SOLUTION 01.1 Tokenizer.sentences | Lectures/01-ngram-language-models.md §3
    func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
    var result: [[String]] = []
    for rawLine in text.split(whereSeparator: \.isNewline) {
      let line = lowercased ? rawLine.lowercased() : String(rawLine)
      if line.allSatisfy(\.isWhitespace) { continue }
      if mode == .characters {
        result.append(line.map { String($0) })
        continue
      }
      var tokens: [String] = []
      for chunk in line.split(whereSeparator: \.isWhitespace) {
        if chunk.count > 2 && chunk.first == "<" && chunk.last == ">" {
          tokens.append(String(chunk))
          continue
        }
        let characters = Array(chunk)
        var word = ""
        for (i, c) in characters.enumerated() {
          let nextIsWordCharacter = i + 1 < characters.count && isWordCharacter(characters[i + 1])
          let joins =
            isWordCharacter(c) || ((c == "'" || c == "’") && nextIsWordCharacter)
            || (c == "-" && !word.isEmpty && nextIsWordCharacter)
          if joins {
            word.append(c)
          } else {
            if !word.isEmpty { tokens.append(word) }
            word = ""
            tokens.append(String(c))
          }
        }
        if !word.isEmpty { tokens.append(word) }
      }
      result.append(tokens)
    }
    return result
    // END SOLUTION
  }
}
