import Foundation
import RNNData
import XCTest

final class SentencePairFileTests: XCTestCase {
  /// A fresh folder per test (XCTest makes one instance per test method).
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("rnndata-pairs-\(UUID().uuidString)")

  override func setUpWithError() throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: directory)
  }

  func write(_ text: String, to name: String) throws -> String {
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  func assertError(
    _ text: String, _ expected: SentencePairError, _ message: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(try SentencePairFile.parse(text, path: "fra.txt"), file: file, line: line)
    { error in
      XCTAssertEqual(error as? SentencePairError, expected, file: file, line: line)
      XCTAssertEqual("\(error)", message, file: file, line: line)
    }
  }

  func testReadsATatoebaFileAndIgnoresTheAttribution() throws {
    let text = """
      Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)
      Hi.\tSalut !\tCC-BY 2.0 (France) Attribution: tatoeba.org #538123 (CM) & #509819 (Aiji)
      I'm OK.\tÇa va.

      """
    let path = try write(text, to: "fra.txt")
    XCTAssertEqual(
      try SentencePairFile.read(path),
      [
        SentencePair(source: "Go.", target: "Va !"),
        SentencePair(source: "Hi.", target: "Salut !"),
        SentencePair(source: "I'm OK.", target: "Ça va."),
      ])
  }

  func testWindowsLineEndingsBlankLinesAndSurroundingSpaces() throws {
    let text = "\r\n  Run!\t Cours !  \r\n\r\n \t \r\nWho?\tQui ?\tattribution\r\n\n"
    let expected = [
      SentencePair(source: "Run!", target: "Cours !"),
      SentencePair(source: "Who?", target: "Qui ?"),
    ]
    XCTAssertEqual(try SentencePairFile.parse(text, path: "x.txt"), expected)
    // Through the file reader too (which turns CRLF into LF first).
    XCTAssertEqual(try SentencePairFile.read(try write(text, to: "crlf.txt")), expected)
  }

  func testLineWithoutTabIsQuoted() {
    assertError(
      "Go.\tVa !\n\nHello world", .missingTab(path: "fra.txt", line: 3, text: "Hello world"),
      "fra.txt:3: no tab between source and target in \"Hello world\"")
  }

  func testLongLineWithoutTabIsCutAtSixtyCharacters() {
    let long = String(repeating: "abcdefghij", count: 8)
    assertError(
      "a\tb\r\n" + long + "\r\n", .missingTab(path: "fra.txt", line: 2, text: long),
      "fra.txt:2: no tab between source and target in \"\(long.prefix(60))...\"")
  }

  func testEmptySides() {
    assertError(
      "a\tb\n\n   \tVa !\n", .emptySource(path: "fra.txt", line: 3),
      "fra.txt:3: empty source side")
    assertError(
      "Go.\t  \tattribution\n", .emptyTarget(path: "fra.txt", line: 1),
      "fra.txt:1: empty target side")
    assertError("Go.\t\n", .emptyTarget(path: "fra.txt", line: 1), "fra.txt:1: empty target side")
  }

  func testTextWithoutPairs() {
    assertError("", .noPairs(path: "fra.txt"), "fra.txt: no sentence pairs")
    assertError("\n \n\r\n", .noPairs(path: "fra.txt"), "fra.txt: no sentence pairs")
  }

  func testMissingFileIsNamed() {
    let path = directory.appendingPathComponent("nope.txt").path
    XCTAssertThrowsError(try SentencePairFile.read(path)) { error in
      XCTAssertEqual(error as? TextFileError, .notFound(path: path))
      XCTAssertTrue("\(error)".contains(path), "\(error)")
    }
  }

  func testErrorsOfTheFileNameTheRealPath() throws {
    let path = try write("Go.\tVa !\nno tab here\n", to: "bad.txt")
    XCTAssertThrowsError(try SentencePairFile.read(path)) { error in
      XCTAssertEqual("\(error)", "\(path):2: no tab between source and target in \"no tab here\"")
    }
  }
}
