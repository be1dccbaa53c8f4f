import Foundation
import RNNData
import XCTest

final class TextFileTests: XCTestCase {
  /// A fresh folder per test (XCTest makes one instance per test method).
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("rnndata-\(UUID().uuidString)")

  override func setUpWithError() throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: directory)
  }

  func write(_ bytes: [UInt8], to name: String) throws -> String {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  func testReadsUTF8AndNormalizesLineEndings() throws {
    let path = try write(Array("\u{FEFF}héllo wörld\r\nsecond line\n".utf8), to: "ok.txt")
    XCTAssertEqual(try TextFile.read(path), "héllo wörld\nsecond line\n")
    XCTAssertEqual(try TextFile.lines(path), ["héllo wörld", "second line"])
  }

  func testMissingFileIsNamed() {
    let path = directory.appendingPathComponent("nope.txt").path
    XCTAssertThrowsError(try TextFile.read(path)) { error in
      XCTAssertEqual(error as? TextFileError, .notFound(path: path))
      XCTAssertTrue("\(error)".contains(path), "\(error)")
    }
  }

  func testDirectoryIsRejected() {
    XCTAssertThrowsError(try TextFile.read(directory.path)) { error in
      XCTAssertEqual(
        error as? TextFileError, .unreadable(path: directory.path, reason: "it is a directory"))
    }
  }

  func testEmptyAndBlankFilesAreRejected() throws {
    let empty = try write([], to: "empty.txt")
    let blank = try write(Array(" \n\n\t\n".utf8), to: "blank.txt")
    XCTAssertThrowsError(try TextFile.read(empty)) {
      XCTAssertEqual($0 as? TextFileError, .empty(path: empty))
    }
    XCTAssertThrowsError(try TextFile.read(blank)) {
      XCTAssertEqual($0 as? TextFileError, .empty(path: blank))
    }
  }

  func testInvalidUTF8NamesLineAndByte() throws {
    // Line 2, byte 4 is a Latin-1 "é" (0xE9), which is not UTF-8.
    let path = try write(Array("first\nabc".utf8) + [0xE9] + Array("t\n".utf8), to: "latin1.txt")
    XCTAssertThrowsError(try TextFile.read(path)) { error in
      XCTAssertEqual(error as? TextFileError, .invalidUTF8(path: path, line: 2, column: 4))
      XCTAssertTrue("\(error)".contains("line 2"), "\(error)")
    }
  }

  func testUTF8ValidatorEdgeCases() {
    XCTAssertNil(TextFile.firstInvalidUTF8(Array("a€𝄞ü".utf8)))
    XCTAssertNotNil(TextFile.firstInvalidUTF8([0xC0, 0x80]), "overlong encoding")
    XCTAssertNotNil(TextFile.firstInvalidUTF8([0xED, 0xA0, 0x80]), "surrogate")
    XCTAssertNotNil(TextFile.firstInvalidUTF8([0xF4, 0x90, 0x80, 0x80]), "above U+10FFFF")
    XCTAssertNotNil(TextFile.firstInvalidUTF8([0xE2, 0x82]), "truncated sequence")
    XCTAssertNotNil(TextFile.firstInvalidUTF8([0x80]), "lone continuation byte")
  }
}

final class TextFileLatin1Tests: XCTestCase {
  func testEveryByteIsOneCharacter() throws {
    let bytes: [UInt8] = Array("caf".utf8) + [0xE9, 0x0D, 0x0A, 0xFF, 0x0A]
    XCTAssertEqual(
      try TextFile.decodeLatin1(Data(bytes), path: "x.txt"), "caf\u{E9}\n\u{FF}\n")
    XCTAssertThrowsError(try TextFile.decodeLatin1(Data(" \n\t".utf8), path: "x.txt")) {
      XCTAssertEqual($0 as? TextFileError, .empty(path: "x.txt"))
    }
  }

  func testReadWithAnEncoding() throws {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("rnndata-latin1-\(UUID().uuidString).txt")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data([0x6E, 0x61, 0xEF, 0x76, 0x65, 0x0A]).write(to: url)
    XCTAssertEqual(try TextFile.read(url.path, encoding: .latin1), "na\u{EF}ve\n")
    XCTAssertThrowsError(try TextFile.read(url.path, encoding: .utf8)) {
      XCTAssertEqual($0 as? TextFileError, .invalidUTF8(path: url.path, line: 1, column: 3))
    }
  }
}
