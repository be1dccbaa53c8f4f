/// Reads sequence-labeling corpora in CoNLL's column format (CoNLL-2000, CoNLL-2003, and the
/// files most taggers write):
///
///     -DOCSTART- -X- -X- O
///
///     EU NNP B-NP B-ORG
///     rejects VBZ B-VP O
///     German JJ B-NP B-MISC
///
///     Peter NNP B-NP B-PER
///
/// One token per line with columns separated by spaces or tabs: the word first, the tag last,
/// anything between ignored. A blank line ends a sentence; `-DOCSTART-` lines mark document
/// boundaries and are skipped. Tags must be `O`, `B-TYPE` or `I-TYPE` (IOB1 or IOB2); any
/// other tag (IOBES's `S-`/`E-`, a bare `PER`) is an error naming the file and line.
public enum CoNLLFile {
  /// The sentences of the file at `path`.
  ///
  /// - Throws: ``TextFileError``: a missing, unreadable, empty or non-UTF-8 file, a line with
  ///   fewer than two columns or an unknown tag (with its line number), or a file without
  ///   sentences.
  public static func read(_ path: String) throws -> [TaggedSentence] {
    try parse(try TextFile.read(path), path: path)
  }

  /// The sentences of `text`, read as the contents of `path` (used in error messages).
  public static func parse(_ text: String, path: String) throws -> [TaggedSentence] {
    var sentences: [TaggedSentence] = []
    var words: [String] = []
    var tags: [String] = []
    func close() {
      if !words.isEmpty { sentences.append(TaggedSentence(words: words, tags: tags)) }
      words = []
      tags = []
    }
    var number = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      number += 1
      let columns = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      guard let first = columns.first, let last = columns.last else {
        close()
        continue
      }
      if first == "-DOCSTART-" {
        close()
        continue
      }
      guard columns.count >= 2 else {
        throw TextFileError.malformed(
          path: path, line: number,
          reason: "expected a word and a tag separated by spaces or tabs, got '\(line)'")
      }
      let tag = String(last)
      guard isBIOTag(tag) else {
        throw TextFileError.malformed(
          path: path, line: number,
          reason: "unknown tag '\(tag)': the tagger reads the BIO schemes IOB1 and IOB2 (O, "
            + "B-TYPE, I-TYPE); convert other schemes (IOBES, BILOU) first")
      }
      words.append(String(first))
      tags.append(tag)
    }
    close()
    guard !sentences.isEmpty else {
      throw TextFileError.malformed(
        path: path, line: number, reason: "no sentences (expected 'word ... tag' lines)")
    }
    return sentences
  }

  /// Whether `tag` is `O`, `B-TYPE` or `I-TYPE`.
  public static func isBIOTag(_ tag: String) -> Bool {
    if tag == "O" { return true }
    guard tag.count > 2, tag.hasPrefix("B-") || tag.hasPrefix("I-") else { return false }
    return true
  }

  /// The sentences in column format: `word tag` per line, a blank line after each sentence.
  public static func format(_ sentences: [TaggedSentence]) -> String {
    var out = ""
    for sentence in sentences {
      for (word, tag) in zip(sentence.words, sentence.tags) { out += "\(word) \(tag)\n" }
      out += "\n"
    }
    return out
  }
}
