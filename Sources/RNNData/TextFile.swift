import Foundation

/// A problem with an input file, described so that the user can fix it: every case names the
/// file, and the line where that makes sense.
public enum TextFileError: Error, Equatable, CustomStringConvertible {
  /// No file at this path.
  case notFound(path: String)
  /// The path exists but cannot be read (a directory, or no permission).
  case unreadable(path: String, reason: String)
  /// The bytes are not valid UTF-8; `line` is 1-based, `column` is the 1-based byte offset
  /// within that line.
  case invalidUTF8(path: String, line: Int, column: Int)
  /// The file holds nothing but whitespace.
  case empty(path: String)
  /// A line does not have the expected form.
  case malformed(path: String, line: Int, reason: String)

  public var description: String {
    switch self {
    case .notFound(let path):
      return "cannot read '\(path)': no such file"
    case .unreadable(let path, let reason):
      return "cannot read '\(path)': \(reason)"
    case .invalidUTF8(let path, let line, let column):
      return "'\(path)' is not valid UTF-8 text (first bad byte on line \(line), byte \(column))"
    case .empty(let path):
      return "'\(path)' is empty (no text to read)"
    case .malformed(let path, let line, let reason):
      return "\(path):\(line): \(reason)"
    }
  }
}

/// Reads plain-text corpora (Tiny Shakespeare, Penn Treebank, ...) with errors a user can act on.
public enum TextFile {
  /// Reads a whole file as UTF-8 text.
  ///
  /// A leading byte-order mark is dropped and `\r\n` line endings become `\n`.
  ///
  /// - Throws: ``TextFileError`` if the file is missing, unreadable, not UTF-8, or holds only
  ///   whitespace.
  public static func read(_ path: String) throws -> String {
    try decode(try contents(path), path: path)
  }

  /// The text encodings ``read(_:encoding:)`` understands.
  public enum Encoding: Sendable {
    /// UTF-8, checked byte by byte as in ``read(_:)``.
    case utf8
    /// ISO 8859-1: every byte is the character with the same code (0xE9 is `é`). Any file
    /// decodes, so use it only for files known to be Latin-1, such as the movie-review polarity
    /// sentences of Pang and Lee.
    case latin1
  }

  /// Reads a whole file as text in `encoding`, with the clean-up of ``read(_:)``.
  ///
  /// - Throws: ``TextFileError`` if the file is missing, unreadable, holds only whitespace, or
  ///   (for UTF-8) is not valid UTF-8.
  public static func read(_ path: String, encoding: Encoding) throws -> String {
    switch encoding {
    case .utf8: return try read(path)
    case .latin1: return try decodeLatin1(try contents(path), path: path)
    }
  }

  /// Decodes bytes as Latin-1 (ISO 8859-1) text: `\r\n` becomes `\n`, and a file of nothing
  /// but whitespace is an error. `path` only names the source in errors.
  public static func decodeLatin1(_ data: Data, path: String) throws -> String {
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: data.map { Unicode.Scalar($0) })
    let text = String(scalars).replacingOccurrences(of: "\r\n", with: "\n")
    if text.allSatisfy(\.isWhitespace) { throw TextFileError.empty(path: path) }
    return text
  }

  /// The bytes of the file at `path`, or an error saying why there are none.
  static func contents(_ path: String) throws -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw TextFileError.notFound(path: path)
    }
    if isDirectory.boolValue {
      throw TextFileError.unreadable(path: path, reason: "it is a directory")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TextFileError.unreadable(path: path, reason: "permission denied or I/O error")
    }
    return data
  }

  /// Decodes bytes as UTF-8 text, with the same checks and clean-up as ``read(_:)``; `path`
  /// only names the source in errors.
  public static func decode(_ data: Data, path: String) throws -> String {
    let bytes = [UInt8](data)
    if let (line, column) = firstInvalidUTF8(bytes) {
      throw TextFileError.invalidUTF8(path: path, line: line, column: column)
    }
    var text = String(decoding: bytes, as: UTF8.self)
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    text = text.replacingOccurrences(of: "\r\n", with: "\n")
    if text.allSatisfy(\.isWhitespace) { throw TextFileError.empty(path: path) }
    return text
  }

  /// Reads a file and splits it into lines, without line terminators (so the last line has
  /// no trailing empty string). Errors as for ``read(_:)``.
  public static func lines(_ path: String) throws -> [String] {
    var lines = try read(path).split(separator: "\n", omittingEmptySubsequences: false)
      .map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
  }

  /// The position (1-based line, 1-based byte within the line) of the first byte that breaks
  /// UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or `nil`.
  public static func firstInvalidUTF8(_ bytes: [UInt8]) -> (line: Int, column: Int)? {
    var line = 1
    var lineStart = 0
    var i = 0
    let n = bytes.count
    while i < n {
      let b = bytes[i]
      if b < 0x80 {
        if b == 0x0A {
          line += 1
          lineStart = i + 1
        }
        i += 1
        continue
      }
      // The length of the sequence and the allowed range of its second byte.
      let length: Int
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch b {
      case 0xC2...0xDF: length = 2
      case 0xE0:
        length = 3
        low = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED:
        length = 3
        high = 0x9F
      case 0xF0:
        length = 4
        low = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4:
        length = 4
        high = 0x8F
      default: return (line, i - lineStart + 1)
      }
      for k in 1..<length {
        guard i + k < n else { return (line, i - lineStart + 1) }
        let c = bytes[i + k]
        let ok = k == 1 ? (c >= low && c <= high) : (c >= 0x80 && c <= 0xBF)
        if !ok { return (line, i - lineStart + 1) }
      }
      i += length
    }
    return nil
  }
}
