import Foundation

/// Where a submission's files are: a folder (a whole kit checkout or just its `Exercises/`) or
/// a `.zip` of either, unpacked to a temporary folder that ``cleanUp()`` removes. The
/// submission itself is only ever read.
public struct SubmissionSource {
  /// The submission's root (the folder, or the unpacked zip).
  public var root: URL
  /// Its `Exercises/` folder (or the root itself when it holds `UnitNN/` folders directly);
  /// `nil` if there is none.
  public var exercises: URL?
  private var temporary: URL?

  /// Opens a folder or a zip file.
  public static func open(_ url: URL) throws -> SubmissionSource {
    var root = url
    var temporary: URL?
    if url.pathExtension.lowercased() == "zip" {
      let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("rnnkit-submission-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try unzip(url, into: folder)
      temporary = folder
      root = folder
      // A zip of a folder holds that folder: look inside it.
      let items = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        .filter { !$0.hasPrefix(".") && $0 != "__MACOSX" }
      if items.count == 1 {
        var isDirectory: ObjCBool = false
        let only = folder.appendingPathComponent(items[0])
        if FileManager.default.fileExists(atPath: only.path, isDirectory: &isDirectory),
          isDirectory.boolValue, items[0] != "Exercises", !items[0].hasPrefix("Unit")
        {
          root = only
        }
      }
    }
    let fm = FileManager.default
    let nested = root.appendingPathComponent("Exercises")
    var exercises: URL?
    if fm.fileExists(atPath: nested.path) {
      exercises = nested
    } else if (try? fm.contentsOfDirectory(atPath: root.path))?.contains(where: {
      $0.hasPrefix("Unit")
    }) == true {
      exercises = root
    }
    return SubmissionSource(root: root, exercises: exercises, temporary: temporary)
  }

  /// Removes the unpacked copy of a zip.
  public func cleanUp() {
    if let temporary { try? FileManager.default.removeItem(at: temporary) }
  }

  /// The Swift files of unit `unit` (`"00"`), relative to its folder.
  public func files(ofUnit unit: String) throws -> [String] {
    guard let exercises else { return [] }
    return try swiftFiles(under: exercises.appendingPathComponent("Unit\(unit)"))
  }

  /// A hash of the submission's exercise sources (the only files that count).
  public func fingerprint() throws -> String {
    guard let exercises else { return "no-exercises" }
    return try Fingerprint.ofTree(exercises, onlySwift: true)
  }

  static func unzip(_ archive: URL, into folder: URL) throws {
    if let unzip = ProcessRunner.which("unzip") {
      let result = try ProcessRunner.run(
        unzip, ["-q", "-o", archive.path, "-d", folder.path], timeout: 120)
      if result.succeeded { return }
      throw GraderError("cannot unpack \(archive.lastPathComponent): \(result.output)")
    }
    if let python = ProcessRunner.which("python3") {
      let result = try ProcessRunner.run(
        python, ["-m", "zipfile", "-e", archive.path, folder.path], timeout: 120)
      if result.succeeded { return }
      throw GraderError("cannot unpack \(archive.lastPathComponent): \(result.output)")
    }
    throw GraderError("cannot unpack \(archive.lastPathComponent): install `unzip`")
  }
}

/// Non-cryptographic content hashes (FNV-1a, 64 bit) for cache keys.
public enum Fingerprint {
  public static func of(_ text: String) -> String { of(Data(text.utf8)) }

  public static func of(_ data: Data) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return String(hash, radix: 16)
  }

  public static func combine(_ parts: [String]) -> String {
    of(parts.joined(separator: "\u{1}"))
  }

  /// A hash of every file below `root` (paths and contents), or of one file.
  public static func ofTree(_ root: URL, onlySwift: Bool = false) throws -> String {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    guard fm.fileExists(atPath: root.path, isDirectory: &isDirectory) else { return "absent" }
    if !isDirectory.boolValue { return of(fm.contents(atPath: root.path) ?? Data()) }
    var parts: [String] = []
    let enumerator = fm.enumerator(atPath: root.path)
    var paths: [String] = []
    while let item = enumerator?.nextObject() as? String {
      if onlySwift && !item.hasSuffix(".swift") { continue }
      var itemIsDirectory: ObjCBool = false
      let url = root.appendingPathComponent(item)
      if fm.fileExists(atPath: url.path, isDirectory: &itemIsDirectory), !itemIsDirectory.boolValue
      {
        paths.append(item)
      }
    }
    for path in paths.sorted() {
      parts.append(path)
      parts.append(of(fm.contents(atPath: root.appendingPathComponent(path).path) ?? Data()))
    }
    return combine(parts)
  }
}
