import Foundation
import RNNData
import XCTest

final class LabeledSentenceFileTests: XCTestCase {
  /// A fresh folder per test (XCTest makes one instance per test method).
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("rnndata-labeled-\(UUID().uuidString)")

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

  func write(_ text: String, to name: String) throws -> String {
    try write(Array(text.utf8), to: name)
  }

  func assertError(
    _ text: String, _ expected: LabeledSentenceError, _ message: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(
      try LabeledSentenceFile.parseTSV(text, path: "sst.tsv"), file: file, line: line
    ) { error in
      XCTAssertEqual(error as? LabeledSentenceError, expected, file: file, line: line)
      XCTAssertEqual("\(error)", message, file: file, line: line)
    }
  }

  func testReadsLabelTabText() throws {
    let text = """
      positive\ta gorgeous , witty , seductive movie .
      negative\tthe story is predictable and the acting is flat .
      3\tlabels are any string , numbers included

      """
    XCTAssertEqual(
      try LabeledSentenceFile.readTSV(try write(text, to: "sst.tsv")),
      [
        LabeledSentence(text: "a gorgeous , witty , seductive movie .", label: "positive"),
        LabeledSentence(
          text: "the story is predictable and the acting is flat .", label: "negative"),
        LabeledSentence(text: "labels are any string , numbers included", label: "3"),
      ])
  }

  func testLaterTabsBelongToTheText() throws {
    XCTAssertEqual(
      try LabeledSentenceFile.parseTSV("positive\tone\ttwo \t three\n", path: "x.tsv"),
      [LabeledSentence(text: "one\ttwo \t three", label: "positive")])
  }

  func testWindowsLineEndingsBlankLinesAndSurroundingSpaces() throws {
    let text = "\r\n  positive \t fine film  \r\n\r\n \t \r\nnegative\tdull\r\n\n"
    let expected = [
      LabeledSentence(text: "fine film", label: "positive"),
      LabeledSentence(text: "dull", label: "negative"),
    ]
    XCTAssertEqual(try LabeledSentenceFile.parseTSV(text, path: "x.tsv"), expected)
    XCTAssertEqual(try LabeledSentenceFile.readTSV(try write(text, to: "crlf.tsv")), expected)
  }

  func testLineWithoutTabIsQuoted() {
    assertError(
      "positive\tgood\n\nnegative dull film",
      .missingTab(path: "sst.tsv", line: 3, text: "negative dull film"),
      "sst.tsv:3: no tab between label and text in \"negative dull film\"")
  }

  func testLongLineWithoutTabIsCutAtSixtyCharacters() {
    let long = String(repeating: "abcdefghij", count: 7)
    assertError(
      "positive\tgood\r\n" + long + "\r\n", .missingTab(path: "sst.tsv", line: 2, text: long),
      "sst.tsv:2: no tab between label and text in \"\(long.prefix(60))...\"")
  }

  func testEmptyLabelOrText() {
    assertError(
      "positive\tgood\n\n  \tdull film\n", .emptyLabel(path: "sst.tsv", line: 3),
      "sst.tsv:3: empty label before the tab")
    assertError(
      "negative\t  \n", .emptyText(path: "sst.tsv", line: 1),
      "sst.tsv:1: empty text after the tab")
    assertError(
      "negative\t\t\n", .emptyText(path: "sst.tsv", line: 1),
      "sst.tsv:1: empty text after the tab")
  }

  func testTextWithoutSentences() {
    assertError("", .noSentences(path: "sst.tsv"), "sst.tsv: no labeled sentences")
    assertError("\n \r\n\t\n", .noSentences(path: "sst.tsv"), "sst.tsv: no labeled sentences")
  }

  func testErrorsOfTheFileNameTheRealPath() throws {
    let path = try write("positive\tgood\nno tab here\n", to: "bad.tsv")
    XCTAssertThrowsError(try LabeledSentenceFile.readTSV(path)) { error in
      XCTAssertEqual("\(error)", "\(path):2: no tab between label and text in \"no tab here\"")
    }
    let missing = directory.appendingPathComponent("nope.tsv").path
    XCTAssertThrowsError(try LabeledSentenceFile.readTSV(missing)) { error in
      XCTAssertEqual(error as? TextFileError, .notFound(path: missing))
    }
  }

  func testPolarityFilesPositiveFirst() throws {
    let positive = try write("a gorgeous film . \n\n  witty and warm .\n", to: "rt.pos")
    let negative = try write("flat .\r\nsimply dull .\r\n", to: "rt.neg")
    XCTAssertEqual(
      try LabeledSentenceFile.readPolarityFiles(positive: positive, negative: negative),
      [
        LabeledSentence(text: "a gorgeous film .", label: "positive"),
        LabeledSentence(text: "witty and warm .", label: "positive"),
        LabeledSentence(text: "flat .", label: "negative"),
        LabeledSentence(text: "simply dull .", label: "negative"),
      ])
  }

  func testLatin1PolarityFiles() throws {
    // "a clich\u{E9} ." with the é as the single Latin-1 byte 0xE9, on line 2.
    let positive = try write(
      Array("fine .\r\na clich".utf8) + [0xE9] + Array(" , but fun .\r\n".utf8), to: "rt.pos")
    let negative = try write(
      Array("na\u{EF}ve and dull .\n".unicodeScalars.map { UInt8($0.value) }), to: "rt.neg")
    XCTAssertThrowsError(
      try LabeledSentenceFile.readPolarityFiles(positive: positive, negative: negative)
    ) { error in
      XCTAssertEqual(error as? TextFileError, .invalidUTF8(path: positive, line: 2, column: 8))
    }
    XCTAssertEqual(
      try LabeledSentenceFile.readPolarityFiles(
        positive: positive, negative: negative, encoding: .latin1),
      [
        LabeledSentence(text: "fine .", label: "positive"),
        LabeledSentence(text: "a clich\u{E9} , but fun .", label: "positive"),
        LabeledSentence(text: "na\u{EF}ve and dull .", label: "negative"),
      ])
  }

  func testPolarityFileErrorsNameTheFile() throws {
    let positive = try write("fine .\n", to: "rt.pos")
    let blank = try write(" \n\n", to: "rt.neg")
    let missing = directory.appendingPathComponent("nope.neg").path
    XCTAssertThrowsError(
      try LabeledSentenceFile.readPolarityFiles(positive: positive, negative: blank)
    ) { XCTAssertEqual($0 as? TextFileError, .empty(path: blank)) }
    XCTAssertThrowsError(
      try LabeledSentenceFile.readPolarityFiles(
        positive: positive, negative: missing, encoding: .latin1)
    ) { XCTAssertEqual($0 as? TextFileError, .notFound(path: missing)) }
  }
}
