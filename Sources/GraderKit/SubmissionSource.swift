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

  /// Opens a folder or a zip file (unpacked below `temporaryRoot`).
  ///
  /// A submission is plain files: a symbolic link anywhere in it (the entry itself, a folder or
  /// file inside, or a zip entry) is refused, so nothing outside the submission is ever read.
  public static func open(
    _ url: URL, temporaryRoot: URL = FileManager.default.temporaryDirectory
  ) throws -> SubmissionSource {
    if isSymbolicLink(url.path) {
      throw GraderError("\(url.lastPathComponent) is a symbolic link; submit plain files")
    }
    var root = url
    var temporary: URL?
    if url.pathExtension.lowercased() == "zip" {
      let folder = temporaryRoot.appendingPathComponent("submission-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      ProcessTree.registerTemporary(folder)
      do {
        try refuseLinks(inArchive: url)
        try unzip(url, into: folder)
      } catch {
        try? FileManager.default.removeItem(at: folder)
        ProcessTree.unregisterTemporary(folder)
        throw error
      }
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
    let source = SubmissionSource(root: root, exercises: nil, temporary: temporary)
    do {
      var opened = source
      opened.exercises = try exercisesFolder(in: root)
      return opened
    } catch {
      source.cleanUp()
      throw error
    }
  }

  /// The `Exercises/` folder (or the root when it holds `UnitNN/` folders), after checking that
  /// nothing in it is a symbolic link.
  static func exercisesFolder(in root: URL) throws -> URL? {
    let fm = FileManager.default
    let nested = root.appendingPathComponent("Exercises")
    var exercises: URL?
    if isSymbolicLink(nested.path) {
      throw GraderError("Exercises is a symbolic link; submit plain files")
    }
    if fm.fileExists(atPath: nested.path) {
      exercises = nested
    } else if (try? fm.contentsOfDirectory(atPath: root.path))?.contains(where: {
      $0.hasPrefix("Unit")
    }) == true {
      exercises = root
    }
    if let exercises, let link = firstSymbolicLink(under: exercises) {
      throw GraderError("\(link) is a symbolic link; submit plain files")
    }
    return exercises
  }

  /// Whether `path` itself is a symbolic link (`lstat`, never following it).
  static func isSymbolicLink(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
  }

  /// The first symbolic link below `root` (relative path), walking without following links.
  static func firstSymbolicLink(under root: URL) -> String? {
    var queue = [""]
    while let relative = queue.popLast() {
      let path = relative.isEmpty ? root.path : root.path + "/" + relative
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
        continue
      }
      for name in names {
        let child = relative.isEmpty ? name : relative + "/" + name
        var info = stat()
        guard lstat(root.path + "/" + child, &info) == 0 else { continue }
        switch info.st_mode & S_IFMT {
        case S_IFLNK: return child
        case S_IFDIR: queue.append(child)
        default: break
        }
      }
    }
    return nil
  }

  /// Refuses an archive with a symbolic-link entry or an entry outside its own folder.
  static func refuseLinks(inArchive archive: URL) throws {
    guard let unzip = ProcessRunner.which("unzip") else { return }
    let listing = try ProcessRunner.run(unzip, ["-Z", "-l", archive.path], timeout: 60)
    for line in listing.output.split(separator: "\n") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard let mode = fields.first, mode.count == 10 else { continue }
      let name = fields.last.map(String.init) ?? ""
      if mode.hasPrefix("l") {
        throw GraderError("\(archive.lastPathComponent): the entry \(name) is a symbolic link")
      }
      if name.hasPrefix("/") || name.split(separator: "/").contains("..") {
        throw GraderError("\(archive.lastPathComponent): the entry \(name) leaves the archive")
      }
    }
  }

  /// Removes the unpacked copy of a zip.
  public func cleanUp() {
    if let temporary {
      try? FileManager.default.removeItem(at: temporary)
      ProcessTree.unregisterTemporary(temporary)
    }
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
