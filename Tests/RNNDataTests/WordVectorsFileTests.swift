import Foundation
import RNNData
import XCTest

final class WordVectorsFileTests: XCTestCase {
  func assertError(
    _ text: String, _ expected: WordVectorsError, _ message: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(
      try WordVectorsFile.parse(text, path: "vectors.txt"), file: file, line: line
    ) { error in
      XCTAssertEqual(error as? WordVectorsError, expected, file: file, line: line)
      XCTAssertEqual("\(error)", message, file: file, line: line)
    }
  }

  func testGloVeWithoutHeader() throws {
    let text = """
      the 0.418 0.24968 -0.41242
      , 0.013441 0.23682 -0.16899
      good -1.5e-2 2 0

      """
    let vectors = try WordVectorsFile.parse(text, path: "glove.txt")
    XCTAssertEqual(vectors.dimension, 3)
    XCTAssertEqual(vectors.words, ["the", ",", "good"])
    XCTAssertEqual(vectors.count, 3)
    XCTAssertEqual(vectors.vector(for: "good"), [-0.015, 2, 0])
    XCTAssertEqual(vectors.vector(for: ","), [0.013441, 0.23682, -0.16899])
    XCTAssertEqual(vectors.index(of: "the"), 0)
    XCTAssertNil(vectors.vector(for: "The"), "case matters")
    XCTAssertNil(vectors.index(of: "bad"))
  }

  func testWord2VecHeaderCRLFTabsAndTrailingSpaces() throws {
    // fastText's .vec files end every line with a space.
    let text = "3 2\r\n</s> 0.1 0.2 \r\nfilm\t1 2 \r\n\r\nplot -3 4.5 \r\n"
    let vectors = try WordVectorsFile.parse(text, path: "wiki.vec")
    XCTAssertEqual(vectors.dimension, 2)
    XCTAssertEqual(vectors.words, ["</s>", "film", "plot"])
    XCTAssertEqual(vectors.vectors, [[0.1, 0.2], [1, 2], [-3, 4.5]])
  }

  func testAFirstLineWithAWordIsNotAHeader() throws {
    // Two fields but not two integers: a one-dimensional vector.
    let vectors = try WordVectorsFile.parse("a 3\nb 4\n", path: "x.txt")
    XCTAssertEqual(vectors.dimension, 1)
    XCTAssertEqual(vectors.words, ["a", "b"])
  }

  func testRepeatedWordsKeepTheirFirstVector() throws {
    let vectors = try WordVectorsFile.parse("2 1\nfilm 1\nfilm 2\n", path: "x.txt")
    XCTAssertEqual(vectors.words, ["film"])
    XCTAssertEqual(vectors.vector(for: "film"), [1])
    let built = WordVectors(dimension: 1, words: ["a", "b", "a"], vectors: [[1], [2], [3]])
    XCTAssertEqual(built.words, ["a", "b"])
    XCTAssertEqual(built.vectors, [[1], [2]])
  }

  func testWordsWithSpaces() throws {
    let vectors = try WordVectorsFile.parse(
      "the 1 2\n. . . 3 4\nat name@domain.com 5 6\n", path: "glove.840B.300d.txt")
    XCTAssertEqual(vectors.words, ["the", ". . .", "at name@domain.com"])
    XCTAssertEqual(vectors.vector(for: ". . ."), [3, 4])
  }

  func testKeepingOnlySomeWords() throws {
    let text = "4 2\nthe 1 2\nfilm 3 4\nplot 5 6\ngood 7 8\n"
    let vectors = try WordVectorsFile.parse(text, path: "x.txt", keeping: ["plot", "the", "zzz"])
    XCTAssertEqual(vectors.words, ["the", "plot"])
    XCTAssertEqual(vectors.vectors, [[1, 2], [5, 6]])
    let none = try WordVectorsFile.parse(text, path: "x.txt", keeping: ["zzz"])
    XCTAssertEqual(none.count, 0)
    XCTAssertEqual(none.dimension, 2)
    // Every line is still checked.
    assertError(
      "the 1 2\nfilm 3 x\n",
      .malformedNumber(path: "vectors.txt", line: 2, word: "film", text: "x"),
      "vectors.txt:2: 'x' in the vector of 'film' is not a number")
    XCTAssertThrowsError(try WordVectorsFile.parse("the 1 2\nfilm 3 x\n", path: "v", keeping: []))
  }

  func testMalformedNumbers() {
    assertError(
      "the 0.1 0.2\ngood 0.3 0,4\n",
      .malformedNumber(path: "vectors.txt", line: 2, word: "good", text: "0,4"),
      "vectors.txt:2: '0,4' in the vector of 'good' is not a number")
    assertError(
      "\n\nthe 0.1 nan\n", .malformedNumber(path: "vectors.txt", line: 3, word: "the", text: "nan"),
      "vectors.txt:3: 'nan' in the vector of 'the' is not a number")
  }

  func testDimensionMismatch() {
    assertError(
      "the 1 2 3\n\nfilm 1 2\n",
      .dimensionMismatch(
        path: "vectors.txt", line: 3, word: "film", found: 2, expected: 3, dimensionLine: 1),
      "vectors.txt:3: 'film' has 2 numbers, expected 3 (the dimension set on line 1)")
    assertError(
      "\n2 3\nthe 1 2 3\nfilm 1 2 3 4\n",
      .dimensionMismatch(
        path: "vectors.txt", line: 4, word: "film", found: 4, expected: 3, dimensionLine: 2),
      "vectors.txt:4: 'film' has 4 numbers, expected 3 (the dimension set on line 2)")
  }

  func testWordWithoutNumbers() {
    assertError(
      "the 1 2\nfilm\n", .missingVector(path: "vectors.txt", line: 2, word: "film"),
      "vectors.txt:2: no numbers after 'film'")
  }

  func testHeaderCountMustMatch() {
    assertError(
      "3 2\nthe 1 2\nfilm 3 4\n",
      .countMismatch(path: "vectors.txt", line: 1, declared: 3, found: 2),
      "vectors.txt:1: the header announces 3 vectors, but the file has 2")
    assertError(
      "1 2\nthe 1 2\nfilm 3 4\n",
      .countMismatch(path: "vectors.txt", line: 1, declared: 1, found: 2),
      "vectors.txt:1: the header announces 1 vector, but the file has 2")
    assertError(
      "2 1\nthe 1\n", .countMismatch(path: "vectors.txt", line: 1, declared: 2, found: 1),
      "vectors.txt:1: the header announces 2 vectors, but the file has 1")
    assertError(
      "5 2\n", .countMismatch(path: "vectors.txt", line: 1, declared: 5, found: 0),
      "vectors.txt:1: the header announces 5 vectors, but the file has 0")
  }

  func testMalformedHeader() {
    assertError(
      "2 0\n", .malformedHeader(path: "vectors.txt", line: 1, count: 2, dimension: 0),
      "vectors.txt:1: header '2 0' should give a vector count of at least 0 and a dimension of "
        + "at least 1")
  }

  func testNoVectors() {
    assertError("", .noVectors(path: "vectors.txt"), "vectors.txt: no word vectors")
    assertError(" \n\r\n", .noVectors(path: "vectors.txt"), "vectors.txt: no word vectors")
    assertError("0 300\n", .noVectors(path: "vectors.txt"), "vectors.txt: no word vectors")
  }

  func testReadNamesTheFile() throws {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("rnndata-vectors-\(UUID().uuidString).txt")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data("the 1 2\nfilm 1\n".utf8).write(to: url)
    XCTAssertThrowsError(try WordVectorsFile.read(url.path)) { error in
      XCTAssertEqual(
        "\(error)", "\(url.path):2: 'film' has 1 number, expected 2 (the dimension set on line 1)")
    }
    try Data("the 1 2\nfilm 3 4\n".utf8).write(to: url)
    XCTAssertEqual(try WordVectorsFile.read(url.path, keeping: ["film"]).words, ["film"])
    try Data().write(to: url)
    XCTAssertThrowsError(try WordVectorsFile.read(url.path)) {
      XCTAssertEqual($0 as? TextFileError, .empty(path: url.path))
    }
  }
}
