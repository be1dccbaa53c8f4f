import Foundation

/// Pretrained word embeddings: one vector of ``dimension`` numbers per word.
///
/// Words are distinct: where a list or a file repeats a word, its first vector is kept and the
/// later ones are dropped.
public struct WordVectors: Sendable {
  /// The length of every vector.
  public let dimension: Int
  /// The words, in file order, without repeats.
  public let words: [String]
  /// `vectors[i]` belongs to `words[i]`.
  public let vectors: [[Double]]
  /// The position of each word in ``words``.
  private let positions: [String: Int]

  /// Vectors for `words`, one per word, each of length `dimension` (at least 1). A repeated
  /// word keeps its first vector.
  public init(dimension: Int, words: [String], vectors: [[Double]]) {
    precondition(dimension >= 1, "WordVectors: dimension must be at least 1, got \(dimension)")
    precondition(
      words.count == vectors.count,
      "WordVectors: \(words.count) words and \(vectors.count) vectors; give one vector per word")
    var kept: [String] = []
    var keptVectors: [[Double]] = []
    var positions: [String: Int] = [:]
    for (word, vector) in zip(words, vectors) {
      precondition(
        vector.count == dimension,
        "WordVectors: the vector of '\(word)' has \(vector.count) numbers, expected \(dimension)")
      if positions[word] != nil { continue }
      positions[word] = kept.count
      kept.append(word)
      keptVectors.append(vector)
    }
    self.dimension = dimension
    self.words = kept
    self.vectors = keptVectors
    self.positions = positions
  }

  /// The number of words.
  public var count: Int { words.count }

  /// The position of `word` in ``words`` (and its vector in ``vectors``), or `nil` for a word
  /// without a vector. Case matters: GloVe's vectors are for lowercase words.
  public func index(of word: String) -> Int? { positions[word] }

  /// The vector of `word`, or `nil` for a word without one.
  public func vector(for word: String) -> [Double]? {
    positions[word].map { vectors[$0] }
  }
}

/// A line of a word-vector file that cannot be read, or a file without vectors. Every case
/// names the file and, where there is one, the 1-based line (blank lines count).
public enum WordVectorsError: Error, Equatable, CustomStringConvertible {
  /// A field after the word is not a finite number.
  case malformedNumber(path: String, line: Int, word: String, text: String)
  /// A line has a word but no numbers.
  case missingVector(path: String, line: Int, word: String)
  /// A line has `found` numbers where the file's vectors have `expected`, a dimension set by
  /// the header or the first vector on line `dimensionLine`.
  case dimensionMismatch(
    path: String, line: Int, word: String, found: Int, expected: Int, dimensionLine: Int)
  /// A header (two integers) whose count is negative or whose dimension is below 1.
  case malformedHeader(path: String, line: Int, count: Int, dimension: Int)
  /// The header on `line` announces `declared` vectors, but `found` lines of vectors follow it.
  case countMismatch(path: String, line: Int, declared: Int, found: Int)
  /// The file holds no vector at all.
  case noVectors(path: String)

  public var description: String {
    switch self {
    case .malformedNumber(let path, let line, let word, let text):
      return "\(path):\(line): '\(text)' in the vector of '\(word)' is not a number"
    case .missingVector(let path, let line, let word):
      return "\(path):\(line): no numbers after '\(word)'"
    case .dimensionMismatch(let path, let line, let word, let found, let expected, let at):
      return "\(path):\(line): '\(word)' has \(plural(found, "number")), expected \(expected) "
        + "(the dimension set on line \(at))"
    case .malformedHeader(let path, let line, let count, let dimension):
      return "\(path):\(line): header '\(count) \(dimension)' should give a vector count of at "
        + "least 0 and a dimension of at least 1"
    case .countMismatch(let path, let line, let declared, let found):
      return "\(path):\(line): the header announces \(plural(declared, "vector")), but the "
        + "file has \(found)"
    case .noVectors(let path):
      return "\(path): no word vectors"
    }
  }

  /// `1 line`, `2 lines`.
  private func plural(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}

/// Reads pretrained word vectors in the plain-text format of GloVe, word2vec (`-binary 0`) and
/// fastText (`.vec`):
///
///     the 0.418 0.24968 -0.41242 0.1217
///     , 0.013441 0.23682 -0.16899 0.40951
///
/// One word per line followed by its numbers, all separated by spaces (tabs and trailing spaces
/// are accepted too). word2vec and fastText start with a header line, `COUNT DIMENSION`; GloVe
/// has none. A first line of exactly two integers is read as a header, whose count must match
/// the number of vector lines that follow. Without a header the first vector sets the
/// dimension. Blank lines are skipped. A repeated word keeps its first vector.
///
/// A few entries of GloVe's 840B file have spaces inside the word (`. . .`): when a line has more
/// fields than the dimension plus one and its second field is not a number, the leading fields
/// joined by single spaces are the word.
///
/// A file is read whole into memory, and each number becomes a `Double`: GloVe's 400,000
/// 100-dimensional vectors take about 320 MB. Pass `keeping` to hold on to the vectors of a
/// task's vocabulary only.
public enum WordVectorsFile {
  /// The vectors in the file at `path`; with `keeping`, only those of the words in it (every
  /// line is still checked).
  ///
  /// - Throws: ``TextFileError`` for a missing, unreadable, empty or non-UTF-8 file;
  ///   ``WordVectorsError`` for a malformed line or header, a count that disagrees with the
  ///   header, or a file without vectors.
  public static func read(_ path: String, keeping: Set<String>? = nil) throws -> WordVectors {
    try parse(try TextFile.read(path), path: path, keeping: keeping)
  }

  /// The vectors in `text`, read as the contents of `path` (used in error messages); with
  /// `keeping`, only those of the words in it. The result is empty (but has the file's
  /// dimension) when none of those words has a vector.
  ///
  /// - Throws: ``WordVectorsError``, naming `path` and the line.
  public static func parse(
    _ text: String, path: String, keeping: Set<String>? = nil
  ) throws -> WordVectors {
    var words: [String] = []
    var vectors: [[Double]] = []
    var header: (line: Int, count: Int)?
    var dimension: (value: Int, line: Int)?
    var vectorLines = 0
    var number = 0
    for line in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
      number += 1
      // Spaces, tabs, and the carriage return of a CRLF line ending separate fields.
      let fields = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
        .map { Substring($0) }
      if fields.isEmpty { continue }
      if header == nil, dimension == nil, fields.count == 2,
        let count = Int(fields[0]), let size = Int(fields[1])
      {
        guard count >= 0, size >= 1 else {
          throw WordVectorsError.malformedHeader(
            path: path, line: number, count: count, dimension: size)
        }
        header = (number, count)
        dimension = (size, number)
        continue
      }
      guard fields.count >= 2 else {
        throw WordVectorsError.missingVector(path: path, line: number, word: String(fields[0]))
      }
      let expected = dimension ?? (fields.count - 1, number)
      dimension = expected
      // How many leading fields make up the word.
      var wordFields = 1
      if fields.count - 1 > expected.value, Double(fields[1]) == nil {
        wordFields = fields.count - expected.value
      }
      let word = fields[..<wordFields].joined(separator: " ")
      guard fields.count - wordFields == expected.value else {
        throw WordVectorsError.dimensionMismatch(
          path: path, line: number, word: word, found: fields.count - wordFields,
          expected: expected.value, dimensionLine: expected.line)
      }
      var vector: [Double] = []
      vector.reserveCapacity(expected.value)
      for field in fields[wordFields...] {
        guard let value = Double(field), value.isFinite else {
          throw WordVectorsError.malformedNumber(
            path: path, line: number, word: word, text: String(field))
        }
        vector.append(value)
      }
      vectorLines += 1
      if keeping?.contains(word) ?? true {
        words.append(word)
        vectors.append(vector)
      }
    }
    if let header, header.count != vectorLines {
      throw WordVectorsError.countMismatch(
        path: path, line: header.line, declared: header.count, found: vectorLines)
    }
    guard vectorLines > 0, let dimension else { throw WordVectorsError.noVectors(path: path) }
    return WordVectors(dimension: dimension.value, words: words, vectors: vectors)
  }
}
