import Foundation
import RNNCore
import RNNTraining
import XCTest

final class CheckpointTests: XCTestCase {
  func store() -> ParameterStore {
    var rng = RandomSource(seed: 3)
    return ParameterStore([
      ("embedding", .gaussian(4, 3, rng: &rng)),
      ("cell.W_hh", .gaussian(2, 2, std: 1e-7, rng: &rng)),
      ("b_s", Matrix([[1e300, -0.0, Double.leastNonzeroMagnitude, 0.1]])),
    ])
  }

  func checkpoint() -> Checkpoint {
    Checkpoint(
      model: "elman", settings: ["hiddenSize": "2"],
      vocabulary: TokenVocabulary.characters(from: "ab"), parameters: store(),
      notes: ["steps": "10"])
  }

  func testRoundTripsEveryNumberExactly() throws {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("rnnkit-checkpoint-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try checkpoint().write(to: path)
    let read = try Checkpoint.read(from: path)
    XCTAssertEqual(read, checkpoint())
    var restored = store().zerosLike()
    try read.load(into: &restored)
    XCTAssertEqual(restored, store())
    XCTAssertEqual(try read.integerSetting("hiddenSize"), 2)
    XCTAssertEqual(try checkpoint().jsonData(), try checkpoint().jsonData(), "deterministic")
  }

  func testRefusesToSaveNonFiniteParameters() {
    let bad = Checkpoint(
      model: "elman", settings: [:], vocabulary: TokenVocabulary.characters(from: "ab"),
      parameters: ParameterStore([("W_s", Matrix([[1, .nan]]))]))
    XCTAssertThrowsError(try bad.jsonData()) { error in
      XCTAssertEqual(error as? CheckpointError, .nonFiniteParameters("W_s"))
    }
  }

  func testLoadingIntoAModelOfAnotherShapeFails() {
    var other = ParameterStore([
      ("embedding", .zeros(4, 3)), ("cell.W_hh", .zeros(3, 3)), ("b_s", .zeros(1, 4)),
    ])
    XCTAssertThrowsError(try checkpoint().load(into: &other)) { error in
      XCTAssertEqual(
        error as? CheckpointError,
        .shapeMismatch(name: "cell.W_hh", expected: "3x3", found: "2x2"))
    }
    var missing = ParameterStore([("embedding", .zeros(4, 3)), ("W_s", .zeros(1, 1))])
    XCTAssertThrowsError(try checkpoint().load(into: &missing)) { error in
      XCTAssertEqual(error as? CheckpointError, .missingBlock("W_s"))
    }
    var fewer = ParameterStore([("embedding", .zeros(4, 3)), ("b_s", .zeros(1, 4))])
    XCTAssertThrowsError(try checkpoint().load(into: &fewer)) { error in
      XCTAssertEqual(error as? CheckpointError, .unexpectedBlock("cell.W_hh"))
    }
  }

  func testReadingSomethingElseGivesAClearError() throws {
    XCTAssertThrowsError(try Checkpoint.read(from: "/nonexistent/model.json")) { error in
      XCTAssertEqual("\(error)", "no checkpoint file at /nonexistent/model.json")
    }
    XCTAssertThrowsError(try Checkpoint.decode(Data("hello".utf8), path: "x.json")) { error in
      XCTAssertEqual("\(error)", "x.json is not an rnnkit checkpoint: it is not a JSON object")
    }
    XCTAssertThrowsError(try Checkpoint.decode(Data(#"{"a": 1}"#.utf8), path: "x.json")) {
      XCTAssertTrue("\($0)".contains("\"format\" is not \"rnnkit-checkpoint\""), "\($0)")
    }
    var json = String(decoding: try checkpoint().jsonData(), as: UTF8.self)
    json = json.replacingOccurrences(of: #""version":1"#, with: #""version":7"#)
    XCTAssertThrowsError(try Checkpoint.decode(Data(json.utf8), path: "x.json")) {
      XCTAssertEqual($0 as? CheckpointError, .unsupportedVersion(path: "x.json", version: 7))
    }
    let broken = #"{"format": "rnnkit-checkpoint", "version": 1, "model": "elman"}"#
    XCTAssertThrowsError(try Checkpoint.decode(Data(broken.utf8), path: "x.json")) {
      XCTAssertTrue("\($0)".contains("is missing"), "\($0)")
    }
  }
}
