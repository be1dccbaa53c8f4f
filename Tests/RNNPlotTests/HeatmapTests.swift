import RNNCore
import XCTest

@testable import RNNPlot

final class HeatmapTests: XCTestCase {
  private func sampleMatrix() -> Matrix {
    var rng = RandomSource(seed: 7)
    return Matrix(rows: 3, cols: 5) { _, _ in rng.gaussian() }
  }

  func testDrawsOneCellPerElement() throws {
    var map = Heatmap(matrix: sampleMatrix(), title: "Weights", colorScale: .diverging)
    map.rowLabels = ["a", "b", "c"]
    map.columnLabels = ["v", "w", "x", "y", "z"]
    let parsed = try XCTUnwrap(ParsedSVG(map.svg()))
    XCTAssertEqual(parsed.elements(withClass: "cell").count, 15)
    XCTAssertTrue(parsed.containsText("Weights"))
    XCTAssertTrue(parsed.containsText("c"))
    XCTAssertTrue(parsed.containsText("z"))
    XCTAssertEqual(parsed.elements(withClass: "color-bar").count, 1)
  }

  func testMatrixAndArrayInputsAgree() {
    let matrix = sampleMatrix()
    let rows = (0..<matrix.rows).map { matrix.row($0) }
    XCTAssertEqual(Heatmap(matrix: matrix).svg(), Heatmap(values: rows).svg())
  }

  func testColorBarShowsTheRange() throws {
    let map = Heatmap(values: [[0, 0.25], [0.5, 1]], title: "probabilities")
    let parsed = try XCTUnwrap(ParsedSVG(map.svg()))
    XCTAssertTrue(parsed.containsText("0"))
    XCTAssertTrue(parsed.containsText("1"))
    XCTAssertEqual(map.color(of: 0), ColorScale.viridis.color(at: 0))
    XCTAssertEqual(map.color(of: 1), ColorScale.viridis.color(at: 1))
  }

  func testDivergingScaleIsCenteredOnZero() {
    let map = Heatmap(values: [[-1, 3]], colorScale: .diverging)
    XCTAssertEqual(map.resolvedRange, -3...3)
    XCTAssertEqual(map.color(of: 0), ColorScale.diverging.color(at: 0.5))
  }

  func testNonFiniteCellsAreGrayAndIgnoredForTheRange() throws {
    let map = Heatmap(values: [[1, .nan], [.infinity, 2]])
    XCTAssertEqual(map.resolvedRange, 1...2)
    let svg = map.svg()
    assertNoNonFiniteText(svg)
    let parsed = try XCTUnwrap(ParsedSVG(svg))
    let fills = parsed.elements(withClass: "cell").compactMap { $0.attributes["fill"] }
    XCTAssertEqual(fills.filter { $0 == SVGColor.lightGray.hexString }.count, 2)
  }

  func testShowsValuesInLargeCells() throws {
    var map = Heatmap(values: [[0.125, -0.5]], colorScale: .diverging)
    map.showsValues = true
    let parsed = try XCTUnwrap(ParsedSVG(map.svg()))
    XCTAssertTrue(parsed.containsText("0.13"))
    XCTAssertTrue(parsed.containsText("\u{2212}0.50"))
  }

  func testEscapesLabelsAndIsDeterministic() throws {
    var map = Heatmap(values: [[1, 2]], title: "<attention> & more")
    map.columnLabels = ["\"quoted\"", "it's"]
    let svg = map.svg()
    XCTAssertEqual(svg, map.svg())
    let parsed = try XCTUnwrap(ParsedSVG(svg))
    XCTAssertTrue(parsed.containsText("<attention> & more"))
    XCTAssertTrue(parsed.containsText("it's"))
  }

  func testEmptyMatrixStillRenders() throws {
    let parsed = try XCTUnwrap(ParsedSVG(Heatmap(values: []).svg()))
    XCTAssertTrue(parsed.elements(withClass: "cell").isEmpty)
  }

  func testManyRowsThinTheLabels() throws {
    var map = Heatmap(values: Array(repeating: [1, 2, 3], count: 200))
    map.rowLabels = (0..<200).map { "r\($0)" }
    let parsed = try XCTUnwrap(ParsedSVG(map.svg()))
    XCTAssertEqual(parsed.elements(withClass: "cell").count, 600)
    let shown = parsed.texts.filter { $0.hasPrefix("r") }.count
    XCTAssertGreaterThan(shown, 5)
    XCTAssertLessThan(shown, 200)
  }
}
