import RNNCore
import XCTest

/// A hand-written model with a nested child, as a unit module would write one.
private struct TinyLayer: Parameterized, Equatable {
  var weight: Matrix
  var bias: Matrix

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("weight", &weight)
    try body("bias", &bias)
  }
}

private struct TinyModel: Parameterized, Equatable {
  var embedding: Matrix
  var encoder: TinyLayer

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("embedding", &embedding)
    try encoder.visitParameters { name, m in try body("encoder." + name, &m) }
  }
}

final class ParameterTests: XCTestCase {
  private let model = TinyModel(
    embedding: Matrix([[1, 2], [3, 4], [5, 6]]),
    encoder: TinyLayer(weight: Matrix([[0.5, -0.5]]), bias: Matrix(row: [2])))

  private func makeStore() -> ParameterStore {
    ParameterStore([
      ("w", Matrix([[1, -2, 3], [0, 4, -1]])),
      ("b", Matrix(row: [0.5, -0.5, 2])),
      ("h0", Matrix(column: [3, 4])),
    ])
  }

  // MARK: - ParameterStore

  func testStoreKeepsInsertionOrderAndValues() {
    let store = makeStore()
    XCTAssertEqual(store.names, ["w", "b", "h0"])
    XCTAssertEqual(store.namedParameters.map(\.name), ["w", "b", "h0"])
    XCTAssertEqual(store["b"], Matrix(row: [0.5, -0.5, 2]))
    XCTAssertEqual(store.namedParameters[2].value, Matrix(column: [3, 4]))
  }

  func testAssigningAnExistingNameReplacesWithoutReordering() {
    var store = makeStore()
    store["w"] = Matrix(row: [9])
    store["c"] = Matrix(row: [7, 7])
    XCTAssertEqual(store.names, ["w", "b", "h0", "c"])
    XCTAssertEqual(store["w"], Matrix(row: [9]))
    XCTAssertEqual(store["c"], Matrix(row: [7, 7]))
    XCTAssertEqual(ParameterStore().names, [])
  }

  func testVisitingIsInOrderAndMutationsStick() {
    var store = makeStore()
    var visited: [String] = []
    store.visitParameters { name, m in
      visited.append(name)
      m.scale(by: 10)
    }
    XCTAssertEqual(visited, ["w", "b", "h0"])
    XCTAssertEqual(store["b"], Matrix(row: [5, -5, 20]))
    XCTAssertEqual(store["h0"], Matrix(column: [30, 40]))
  }

  func testStoresHaveValueSemanticsAndEquality() {
    let original = makeStore()
    var copy = original
    copy["b"] = Matrix(row: [0, 0, 0])
    XCTAssertEqual(original["b"], Matrix(row: [0.5, -0.5, 2]))
    XCTAssertNotEqual(copy, original)
    XCTAssertEqual(makeStore(), original)
    // The same blocks in a different order are a different store.
    let reordered = ParameterStore(original.namedParameters.reversed().map { ($0.name, $0.value) })
    XCTAssertNotEqual(reordered, original)
  }

  func testMissingBlockIsAReadableError() {
    assertPreconditionFails(containing: ["\"nope\"", "w", "h0"]) {
      _ = ParameterStore([("w", Matrix(row: [1])), ("h0", Matrix(row: [2]))])["nope"]
    }
  }

  func testCountsAndNorms() {
    let store = makeStore()
    XCTAssertEqual(store.parameterCount, 6 + 3 + 2)
    // 1+4+9+0+16+1 + 0.25+0.25+4 + 9+16 = 60.5
    assertClose(store.globalNorm, 60.5.squareRoot(), tolerance: 1e-14)
    XCTAssertEqual(
      ParameterStore([("a", Matrix(row: [3])), ("b", Matrix(row: [4]))]).globalNorm, 5)
    XCTAssertEqual(ParameterStore().globalNorm, 0)
    XCTAssertEqual(ParameterStore().parameterCount, 0)
  }

  func testZerosLikeKeepsNamesAndShapes() {
    let store = makeStore()
    let zeros = store.zerosLike()
    XCTAssertEqual(zeros.names, store.names)
    for ((name, z), (_, v)) in zip(zeros.namedParameters, store.namedParameters) {
      XCTAssertEqual(z.shapeDescription, v.shapeDescription, name)
      XCTAssertEqual(z.maxAbs(), 0, name)
    }
    XCTAssertEqual(store, makeStore(), "zerosLike must not touch the original")
  }

  func testAccumulateAddsByName() {
    var total = makeStore().zerosLike()
    total.accumulate(makeStore())
    total.accumulate(makeStore(), scaledBy: -0.5)
    XCTAssertEqual(total["w"], Matrix([[0.5, -1, 1.5], [0, 2, -0.5]]))
    XCTAssertEqual(total["h0"], Matrix(column: [1.5, 2]))

    // Blocks are matched by name, not by position; blocks missing from `other` stay put.
    var store = makeStore()
    store.accumulate(ParameterStore([("h0", Matrix(column: [1, 1])), ("w", Matrix.zeros(2, 3))]))
    XCTAssertEqual(store["h0"], Matrix(column: [4, 5]))
    XCTAssertEqual(store["w"], makeStore()["w"])
    XCTAssertEqual(store["b"], makeStore()["b"])
  }

  // MARK: - A hand-written Parameterized type

  func testNestedNamesAreVisitedInDeclarationOrder() {
    XCTAssertEqual(
      model.namedParameters.map(\.name), ["embedding", "encoder.weight", "encoder.bias"])
    XCTAssertEqual(model.namedParameters[1].value, Matrix([[0.5, -0.5]]))
    XCTAssertEqual(model.parameterCount, 6 + 2 + 1)
    assertClose(model.globalNorm, (91 + 0.5 + 4).squareRoot(), tolerance: 1e-14)
  }

  func testDefaultOperationsWorkOnACustomType() {
    var gradient = model.zerosLike()
    XCTAssertEqual(gradient.encoder.bias, Matrix(row: [0]))
    XCTAssertEqual(gradient.embedding, Matrix.zeros(3, 2))
    gradient.accumulate(model, scaledBy: 2)
    gradient.accumulate(model)
    XCTAssertEqual(gradient.embedding, 3 * model.embedding)
    XCTAssertEqual(gradient.encoder.weight, Matrix([[1.5, -1.5]]))
    XCTAssertEqual(gradient.encoder.bias, Matrix(row: [6]))
  }
}
