import Foundation
import RNNCore

/// A trained model saved to disk: what kind of model it is, its settings, its vocabulary and
/// every parameter block.
///
/// The file is JSON (written with Foundation's `JSONEncoder`, keys sorted), readable by any
/// tool:
///
/// ```json
/// {
///   "format": "rnnkit-checkpoint", "version": 1,
///   "model": "elman",
///   "settings": { "activation": "tanh", "embeddingSize": "32", "hiddenSize": "128" },
///   "vocabulary": { "level": "character", "tokens": ["<unk>", " ", "e", ...] },
///   "parameters": [
///     { "name": "embedding", "rows": 65, "cols": 32, "values": [0.0123, ...] },
///     { "name": "cell.W_hh", "rows": 128, "cols": 128, "values": [...] }, ...
///   ],
///   "notes": { "steps": "2000", "validationPerplexity": "4.81" }
/// }
/// ```
///
/// `values` are row-major; numbers are written with enough digits to read back exactly.
/// `settings` holds what is needed to rebuild the model before loading the parameters;
/// `notes` is free-form information for people (training steps, final perplexity).
public struct Checkpoint: Codable, Equatable, Sendable {
  /// The value of ``format`` in every checkpoint.
  public static let formatName = "rnnkit-checkpoint"
  /// The newest version this code reads and writes.
  public static let currentVersion = 1

  /// One parameter block.
  public struct Block: Codable, Equatable, Sendable {
    /// The block's name, as ``Parameterized/visitParameters(_:)`` reports it.
    public var name: String
    /// Number of rows.
    public var rows: Int
    /// Number of columns.
    public var cols: Int
    /// `rows * cols` values, row-major.
    public var values: [Double]

    /// Creates a block from a matrix.
    public init(name: String, matrix: Matrix) {
      self.name = name
      self.rows = matrix.rows
      self.cols = matrix.cols
      self.values = matrix.storage
    }
  }

  /// Always ``formatName``.
  public var format: String
  /// The file format version.
  public var version: Int
  /// The model kind, such as `"elman"`.
  public var model: String
  /// Settings needed to rebuild the model (sizes, activation, ...).
  public var settings: [String: String]
  /// The tokens the model reads and predicts.
  public var vocabulary: TokenVocabulary
  /// Every parameter block, in visiting order.
  public var parameters: [Block]
  /// Free-form notes for people.
  public var notes: [String: String]

  /// Captures `parameters` (any ``Parameterized`` value) with its description.
  public init<P: Parameterized>(
    model: String, settings: [String: String], vocabulary: TokenVocabulary, parameters: P,
    notes: [String: String] = [:]
  ) {
    self.format = Self.formatName
    self.version = Self.currentVersion
    self.model = model
    self.settings = settings
    self.vocabulary = vocabulary
    self.parameters = parameters.namedParameters.map { Block(name: $0.name, matrix: $0.value) }
    self.notes = notes
  }

  /// Copies the saved blocks into `parameters`, matching them by name.
  ///
  /// - Throws: ``CheckpointError`` if a block is missing, has another shape, or is left over.
  public func load<P: Parameterized>(into parameters: inout P) throws {
    var saved: [String: Block] = [:]
    for block in self.parameters { saved[block.name] = block }
    var used: Set<String> = []
    var failure: CheckpointError?
    parameters.visitParameters { name, matrix in
      guard failure == nil else { return }
      guard let block = saved[name] else {
        failure = .missingBlock(name)
        return
      }
      guard block.rows == matrix.rows, block.cols == matrix.cols,
        block.values.count == block.rows * block.cols
      else {
        failure = .shapeMismatch(
          name: name, expected: matrix.shapeDescription, found: "\(block.rows)x\(block.cols)")
        return
      }
      matrix = Matrix(rows: block.rows, cols: block.cols, values: block.values)
      used.insert(name)
    }
    if let failure { throw failure }
    if let extra = self.parameters.map(\.name).first(where: { !used.contains($0) }) {
      throw CheckpointError.unexpectedBlock(extra)
    }
  }

  /// The setting `key` as text, or an error naming the missing key.
  public func setting(_ key: String) throws -> String {
    guard let value = settings[key] else { throw CheckpointError.missingSetting(key) }
    return value
  }

  /// The setting `key` as a positive whole number.
  public func integerSetting(_ key: String) throws -> Int {
    let text = try setting(key)
    guard let value = Int(text), value > 0 else {
      throw CheckpointError.invalidSetting(key: key, value: text)
    }
    return value
  }

  /// The checkpoint as JSON text (keys sorted, so equal checkpoints give equal files).
  ///
  /// - Throws: ``CheckpointError/nonFiniteParameters(_:)`` if a block holds NaN or an
  ///   infinity (JSON has no way to write them).
  public func jsonData() throws -> Data {
    if let bad = parameters.first(where: { !$0.values.allSatisfy(\.isFinite) }) {
      throw CheckpointError.nonFiniteParameters(bad.name)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(self)
  }

  /// Writes the checkpoint to `path` atomically.
  public func write(to path: String) throws {
    let data = try jsonData()
    do {
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw CheckpointError.unwritable(path: path, reason: error.localizedDescription)
    }
  }

  /// Reads a checkpoint from JSON data; `path` is only used in error messages.
  public static func decode(_ data: Data, path: String) throws -> Checkpoint {
    struct Header: Decodable {
      var format: String?
      var version: Int?
    }
    let header: Header
    do {
      header = try JSONDecoder().decode(Header.self, from: data)
    } catch {
      throw CheckpointError.notACheckpoint(path: path, reason: "it is not a JSON object")
    }
    guard header.format == formatName else {
      throw CheckpointError.notACheckpoint(
        path: path, reason: "its \"format\" is not \"\(formatName)\"")
    }
    guard let version = header.version, version <= currentVersion, version >= 1 else {
      throw CheckpointError.unsupportedVersion(path: path, version: header.version ?? 0)
    }
    do {
      return try JSONDecoder().decode(Checkpoint.self, from: data)
    } catch let error as VocabularyError {
      throw CheckpointError.notACheckpoint(path: path, reason: "\(error)")
    } catch {
      throw CheckpointError.notACheckpoint(path: path, reason: describe(error))
    }
  }

  /// Reads a checkpoint file.
  public static func read(from path: String) throws -> Checkpoint {
    guard FileManager.default.fileExists(atPath: path) else {
      throw CheckpointError.missingFile(path)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CheckpointError.unreadable(path)
    }
    return try decode(data, path: path)
  }

  private static func describe(_ error: Error) -> String {
    guard let decoding = error as? DecodingError else { return "\(error)" }
    switch decoding {
    case .keyNotFound(let key, let context):
      return
        "the field \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\""
        + " is missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context),
      .dataCorrupted(let context):
      let path = context.codingPath.map(\.stringValue).joined(separator: ".")
      return "the field \"\(path)\" is malformed (\(context.debugDescription))"
    @unknown default:
      return "\(error)"
    }
  }
}

/// Why a checkpoint could not be saved, read or loaded.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
  case missingFile(String)
  case unreadable(String)
  case unwritable(path: String, reason: String)
  case notACheckpoint(path: String, reason: String)
  case unsupportedVersion(path: String, version: Int)
  case missingSetting(String)
  case invalidSetting(key: String, value: String)
  case missingBlock(String)
  case unexpectedBlock(String)
  case shapeMismatch(name: String, expected: String, found: String)
  case nonFiniteParameters(String)

  public var description: String {
    switch self {
    case .missingFile(let path): return "no checkpoint file at \(path)"
    case .unreadable(let path): return "cannot read the checkpoint file \(path)"
    case .unwritable(let path, let reason): return "cannot write \(path): \(reason)"
    case .notACheckpoint(let path, let reason):
      return "\(path) is not an rnnkit checkpoint: \(reason)"
    case .unsupportedVersion(let path, let version):
      return "\(path) is a version \(version) checkpoint; this rnnkit reads versions "
        + "1...\(Checkpoint.currentVersion)"
    case .missingSetting(let key): return "the checkpoint has no setting \"\(key)\""
    case .invalidSetting(let key, let value):
      return "the checkpoint's setting \"\(key)\" has an invalid value \"\(value)\""
    case .missingBlock(let name): return "the checkpoint has no parameter block \"\(name)\""
    case .unexpectedBlock(let name):
      return "the checkpoint has a parameter block \"\(name)\" the model does not have"
    case .shapeMismatch(let name, let expected, let found):
      return "the checkpoint's block \"\(name)\" is \(found), the model expects \(expected)"
    case .nonFiniteParameters(let name):
      return "cannot save the model: its block \"\(name)\" holds NaN or infinite values"
    }
  }
}
