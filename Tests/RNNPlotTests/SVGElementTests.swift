import XCTest

@testable import RNNPlot

final class SVGElementTests: XCTestCase {
  func testEscapesMarkupCharacters() {
    XCTAssertEqual(
      SVGElement.escape("a < b & \"c\" > 'd'"), "a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;")
  }

  func testReplacesCharactersXMLForbids() {
    XCTAssertEqual(SVGElement.escape("bell\u{7}"), "bell\u{FFFD}")
  }

  func testRendersAttributesInOrderAndNestsChildren() {
    let element = SVGElement(
      "g", ["class": "x", "fill": "none"],
      children: [SVGElement("text", ["x": "1"], text: "<hi>")])
    XCTAssertEqual(
      element.rendered(), "<g class=\"x\" fill=\"none\">\n  <text x=\"1\">&lt;hi&gt;</text>\n</g>\n"
    )
  }

  func testDocumentIsWellFormedAndSized() throws {
    var document = SVGDocument(width: 200, height: 100)
    document.append(SVGElement("circle", ["cx": "50", "cy": "50", "r": "20"]))
    let svg = document.svg()
    XCTAssertTrue(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
    let parsed = try XCTUnwrap(ParsedSVG(svg))
    let root = try XCTUnwrap(parsed.elements.first)
    XCTAssertEqual(root.attributes["width"], "200")
    XCTAssertEqual(root.attributes["viewBox"], "0 0 200 100")
    XCTAssertEqual(parsed.elements(named: "circle").count, 1)
  }

  func testWriteCreatesTheFile() throws {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("rnnplot-\(UUID().uuidString).svg").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let chart = LineChart(title: "written")
    try chart.write(to: path)
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), chart.svg())
  }

  func testWriteReportsAMissingDirectory() {
    let chart = LineChart(title: "nowhere")
    XCTAssertThrowsError(try chart.write(to: "/nonexistent-rnnplot-dir/chart.svg"))
  }

  func testColorScalesInterpolateBetweenStops() {
    XCTAssertEqual(ColorScale.viridis.color(at: 0).hexString, "#440154")
    XCTAssertEqual(ColorScale.viridis.color(at: 1).hexString, "#fde725")
    XCTAssertEqual(ColorScale.diverging.color(at: 0.5).hexString, "#f7f7f7")
    XCTAssertEqual(ColorScale.diverging.color(at: -3), ColorScale.diverging.color(at: 0))
    XCTAssertEqual(SVGColor.palette(SVGColor.palette.count), SVGColor.palette(0))
  }
}
