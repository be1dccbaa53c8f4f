import Foundation

/// A line of a labeled-sentence file that cannot be read, or a file without sentences. Every
/// case names the file and, where there is one, the 1-based line (blank lines count).
public enum LabeledSentenceError: Error, Equatable, CustomStringConvertible {
  /// A non-blank line without a tab; `text` is the whole line, trimmed.
  case missingTab(path: String, line: Int, text: String)
  /// The label (before the first tab) is empty after trimming.
  case emptyLabel(path: String, line: Int)
  /// The text (after the first tab) is empty after trimming.
  case emptyText(path: String, line: Int)
  /// The file holds no sentence at all.
  case noSentences(path: String)

  /// How much of a bad line an error quotes: enough to find it, short enough for one line.
  static let quoteLength = 60

  public var description: String {
    switch self {
    case .missingTab(let path, let line, let text):
      let quoted =
        text.count > Self.quoteLength ? String(text.prefix(Self.quoteLength)) + "..." : text
      return "\(path):\(line): no tab between label and text in \"\(quoted)\""
    case .emptyLabel(let path, let line):
      return "\(path):\(line): empty label before the tab"
    case .emptyText(let path, let line):
      return "\(path):\(line): empty text after the tab"
    case .noSentences(let path):
      return "\(path): no labeled sentences"
    }
  }
}

/// Reads sentence-classification corpora in the two layouts sentiment data comes in.
///
/// - ``readTSV(_:)``: one sentence per line, `label<TAB>text`, as SST-style sets are usually
///   exported:
///
///       positive<TAB>a gorgeous , witty , seductive movie .
///       negative<TAB>the story is predictable and the acting is flat .
///
///   The label is everything before the first tab and the text everything after it, so a tab
///   inside the text is kept as part of the text. Both are trimmed of surrounding whitespace,
///   `\r\n` line endings are accepted, and blank lines are skipped. (GLUE's SST-2 files put the
///   sentence first and start with a `sentence<TAB>label` header: swap their columns first.)
/// - ``readPolarityFiles(positive:negative:encoding:)``: the movie-review polarity sentences
///   of Pang and Lee (`rt-polarity.pos`, `rt-polarity.neg`): one file per class, one sentence
///   per line.
public enum LabeledSentenceFile {
  /// The label ``readPolarityFiles(positive:negative:encoding:)`` gives the positive file's
  /// sentences (the same as ``SyntheticSentiment``'s).
  public static let positive = "positive"
  /// The label of the negative file's sentences.
  public static let negative = "negative"

  /// The sentences of the `label<TAB>text` file at `path`.
  ///
  /// - Throws: ``TextFileError`` for a missing, unreadable, empty or non-UTF-8 file;
  ///   ``LabeledSentenceError`` for a line without a tab, with an empty label or text, or a file
  ///   without sentences.
  public static func readTSV(_ path: String) throws -> [LabeledSentence] {
    try parseTSV(try TextFile.read(path), path: path)
  }

  /// The sentences of `text` in `label<TAB>text` lines, read as the contents of `path` (used in
  /// error messages).
  ///
  /// - Throws: ``LabeledSentenceError``, naming `path` and the line.
  public static func parseTSV(_ text: String, path: String) throws -> [LabeledSentence] {
    var sentences: [LabeledSentence] = []
    for (index, rawLine) in lines(text).enumerated() {
      let number = index + 1
      let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty { continue }
      guard let tab = rawLine.firstIndex(of: "\t") else {
        throw LabeledSentenceError.missingTab(path: path, line: number, text: line)
      }
      let label = rawLine[..<tab].trimmingCharacters(in: .whitespacesAndNewlines)
      let sentence = rawLine[rawLine.index(after: tab)...]
        .trimmingCharacters(in: .whitespacesAndNewlines)
      if label.isEmpty { throw LabeledSentenceError.emptyLabel(path: path, line: number) }
      if sentence.isEmpty { throw LabeledSentenceError.emptyText(path: path, line: number) }
      sentences.append(LabeledSentence(text: sentence, label: label))
    }
    guard !sentences.isEmpty else { throw LabeledSentenceError.noSentences(path: path) }
    return sentences
  }

  /// The sentences of a two-file polarity corpus: every non-blank line of `positive` labeled
  /// ``positive``, then every non-blank line of `negative` labeled ``negative``, each trimmed of
  /// surrounding whitespace, in file order (shuffle before splitting).
  ///
  /// The files Pang and Lee distribute (`rt-polaritydata`, 5,331 sentences per class) are
  /// Latin-1, not UTF-8: the few accented letters in them are single bytes that the UTF-8
  /// reader rejects, naming the first one's line. Read them with `encoding: .latin1`.
  ///
  /// - Throws: ``TextFileError`` for a missing, unreadable or blank file, or (with `.utf8`) a
  ///   file that is not UTF-8, naming the file and line.
  public static func readPolarityFiles(
    positive: String, negative: String, encoding: TextFile.Encoding = .utf8
  ) throws -> [LabeledSentence] {
    var sentences: [LabeledSentence] = []
    for (path, label) in [(positive, Self.positive), (negative, Self.negative)] {
      for line in lines(try TextFile.read(path, encoding: encoding)) {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty { sentences.append(LabeledSentence(text: text, label: label)) }
      }
    }
    return sentences
  }

  /// The lines of `text`; `\n` and `\r\n` both end a line (Swift reads `\r\n` as one
  /// `Character`).
  static func lines(_ text: String) -> [Substring] {
    text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
  }
}
