import Foundation

/// One example of a translation corpus: a sentence and its translation.
public struct SentencePair: Equatable, Sendable {
  /// The sentence to translate.
  public var source: String
  /// Its translation.
  public var target: String

  /// A pair of sentences.
  public init(source: String, target: String) {
    self.source = source
    self.target = target
  }
}

/// A line of a sentence-pair file that cannot be read, or a file without pairs. Every case names
/// the file and, where there is one, the 1-based line (blank lines count).
public enum SentencePairError: Error, Equatable, CustomStringConvertible {
  /// A non-blank line without a tab; `text` is the whole line.
  case missingTab(path: String, line: Int, text: String)
  /// The source side of a line is empty after trimming.
  case emptySource(path: String, line: Int)
  /// The target side of a line is empty after trimming.
  case emptyTarget(path: String, line: Int)
  /// The file holds no pair at all.
  case noPairs(path: String)

  /// How much of a bad line an error quotes: enough to find it, short enough for one line.
  static let quoteLength = 60

  public var description: String {
    switch self {
    case .missingTab(let path, let line, let text):
      let quoted =
        text.count > Self.quoteLength ? String(text.prefix(Self.quoteLength)) + "..." : text
      return "\(path):\(line): no tab between source and target in \"\(quoted)\""
    case .emptySource(let path, let line):
      return "\(path):\(line): empty source side"
    case .emptyTarget(let path, let line):
      return "\(path):\(line): empty target side"
    case .noPairs(let path):
      return "\(path): no sentence pairs"
    }
  }
}

/// Reads parallel corpora in the tab-separated format of Tatoeba and manythings.org:
///
///     Go.<TAB>Va !<TAB>CC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & ...
///     Hi.<TAB>Salut !<TAB>CC-BY 2.0 (France) Attribution: tatoeba.org #538123 (CM) & ...
///
/// One pair per line, the source first and the target after the first tab. Later columns (the
/// attribution the real files carry) are ignored, so a downloaded file reads as it is. Each side
/// is trimmed of surrounding whitespace, `\r\n` line endings are accepted, and blank lines are
/// skipped.
public enum SentencePairFile {
  /// The pairs in the file at `path`.
  ///
  /// - Throws: ``TextFileError`` for a missing, unreadable, empty or non-UTF-8 file;
  ///   ``SentencePairError`` for a line without a tab or with an empty side, or a file without
  ///   pairs.
  public static func read(_ path: String) throws -> [SentencePair] {
    try parse(try TextFile.read(path), path: path)
  }

  /// The pairs in `text`, read as the contents of `path` (used in error messages).
  ///
  /// - Throws: ``SentencePairError``, naming `path` and the line.
  public static func parse(_ text: String, path: String) throws -> [SentencePair] {
    var pairs: [SentencePair] = []
    var number = 0
    // Swift reads "\r\n" as one Character, so both line endings are separators.
    let lines = text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    for rawLine in lines {
      number += 1
      let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty { continue }
      let columns = rawLine.split(
        separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
      guard columns.count >= 2 else {
        throw SentencePairError.missingTab(path: path, line: number, text: line)
      }
      let source = columns[0].trimmingCharacters(in: .whitespacesAndNewlines)
      let target = columns[1].trimmingCharacters(in: .whitespacesAndNewlines)
      if source.isEmpty { throw SentencePairError.emptySource(path: path, line: number) }
      if target.isEmpty { throw SentencePairError.emptyTarget(path: path, line: number) }
      pairs.append(SentencePair(source: source, target: target))
    }
    guard !pairs.isEmpty else { throw SentencePairError.noPairs(path: path) }
    return pairs
  }
}
