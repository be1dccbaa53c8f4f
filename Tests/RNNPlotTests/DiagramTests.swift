import XCTest

@testable import RNNPlot

final class DiagramTests: XCTestCase {
  func sample() -> Diagram {
    var d = Diagram(width: 300, height: 120, title: "one step", subtitle: "h = f(x W + b)")
    d.add(Diagram.Node("x", "x", x: 40, y: 60, shape: .plain))
    d.add(Diagram.Node("h", "h", x: 150, y: 60, width: 60, height: 30))
    d.add(Diagram.Node("sum", "+", x: 250, y: 60, shape: .operation))
    d.connect("x", "h", label: "W")
    d.connect("h", "sum", via: [(150, 100), (250, 100)], dashed: true)
    return d
  }

  func testSVGIsWellFormedWithArrowsAndLabels() throws {
    let parsed = try XCTUnwrap(ParsedSVG(sample().svg()))
    for text in ["one step", "h = f(x W + b)", "x", "h", "+", "W"] {
      XCTAssertTrue(parsed.containsText(text), "missing text \"\(text)\"")
    }
    XCTAssertEqual(parsed.elements(named: "marker").count, 1)
    let arrows = parsed.elements(named: "polyline")
    XCTAssertEqual(arrows.count, 2)
    XCTAssertTrue(arrows.allSatisfy { $0.attributes["marker-end"] == "url(#arrow)" })
    XCTAssertEqual(arrows.filter { $0.attributes["stroke-dasharray"] != nil }.count, 1)
    XCTAssertEqual(parsed.elements(named: "circle").count, 1, "one operation node")
  }

  func testEdgesStartAndEndOnTheOutlines() {
    let d = sample()
    let straight = d.path(of: d.edges[0])
    XCTAssertEqual(straight.count, 2)
    XCTAssertEqual(straight[1].x, 120, accuracy: 1e-9, "the box's left side (150 - 60/2)")
    XCTAssertEqual(straight[1].y, 60, accuracy: 1e-9)
    let bent = d.path(of: d.edges[1])
    XCTAssertEqual(bent.count, 4)
    XCTAssertEqual(bent[0].y, 75, accuracy: 1e-9, "leaves the box through its bottom")
    XCTAssertEqual(bent[3].x, 250, accuracy: 1e-9)
    XCTAssertEqual(bent[3].y, 72, accuracy: 1e-9, "enters the circle (radius 12) from below")
  }

  func testTheSameDiagramRendersTheSameBytes() {
    XCTAssertEqual(sample().svg(), sample().svg())
  }
}
