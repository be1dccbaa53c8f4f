import XCTest

@testable import RNNPlot

final class LineChartTests: XCTestCase {
  private func sampleChart() -> LineChart {
    var chart = LineChart(
      title: "Training curve", xLabel: "epoch", yLabel: "perplexity", yScale: .logarithmic)
    chart.addSeries("train", x: [1, 2, 3, 4], y: [80, 40, 25, 21])
    chart.addSeries("validation", x: [1, 2, 3, 4], y: [90, 55, 41, 39], dashed: true)
    chart.addHorizontalLine(at: 20, label: "true entropy")
    return chart
  }

  func testSVGIsWellFormedWithTitleLabelsAndLegend() throws {
    let svg = sampleChart().svg()
    let parsed = try XCTUnwrap(ParsedSVG(svg))
    for text in ["Training curve", "epoch", "perplexity", "train", "validation", "true entropy"] {
      XCTAssertTrue(parsed.containsText(text), "missing text \"\(text)\"")
    }
    XCTAssertEqual(parsed.elements(withClass: "legend").count, 1)
    XCTAssertEqual(parsed.elements(withClass: "series").count, 2)
    XCTAssertEqual(parsed.elements(named: "polyline").count, 2)
    let root = try XCTUnwrap(parsed.elements.first)
    XCTAssertEqual(root.attributes["width"], "640")
    XCTAssertEqual(root.attributes["height"], "400")
  }

  func testSeriesGetDistinctColorsAndDashes() throws {
    let parsed = try XCTUnwrap(ParsedSVG(sampleChart().svg()))
    let lines = parsed.elements(named: "polyline")
    XCTAssertEqual(Set(lines.compactMap { $0.attributes["stroke"] }).count, 2)
    XCTAssertNil(lines[0].attributes["stroke-dasharray"])
    XCTAssertNotNil(lines[1].attributes["stroke-dasharray"])
  }

  func testOutputIsDeterministic() {
    XCTAssertEqual(sampleChart().svg(), sampleChart().svg())
    var other = sampleChart()
    other.series[0].points[0].y = 81
    XCTAssertNotEqual(sampleChart().svg(), other.svg())
  }

  func testNonFinitePointsAreSkippedAndBreakTheLine() throws {
    var chart = LineChart(title: "gaps")
    chart.addSeries(
      "broken", x: [0, 1, 2, 3, 4, 5, .nan], y: [1, 2, .nan, 3, .infinity, 5, 6])
    let svg = chart.svg()
    assertNoNonFiniteText(svg)
    let parsed = try XCTUnwrap(ParsedSVG(svg))
    // [0, 1] is a line, [3] and [5] are lone points drawn as dots.
    XCTAssertEqual(parsed.elements(named: "polyline").count, 1)
    XCTAssertEqual(parsed.elements(named: "circle").count, 2)
  }

  func testLogAxisSkipsNonPositiveValues() throws {
    var chart = LineChart(title: "log", xScale: .logarithmic, yScale: .logarithmic)
    chart.addSeries("s", x: [0, 1e-3, 1e-2, 1e-1, 1], y: [1, 0, 1e-4, 1e-3, -1])
    let svg = chart.svg()
    assertNoNonFiniteText(svg)
    let parsed = try XCTUnwrap(ParsedSVG(svg))
    let line = try XCTUnwrap(parsed.elements(named: "polyline").first)
    XCTAssertEqual(polylinePoints(line.attributes["points"]).count, 2)
  }

  func testLogAxisTickLabelsArePowersOfTen() throws {
    var chart = LineChart(title: "step", xScale: .logarithmic, yScale: .logarithmic)
    chart.addSeries("error", x: [1e-12, 1e-6, 1e-1], y: [1e-4, 1e-10, 1e-2])
    let parsed = try XCTUnwrap(ParsedSVG(chart.svg()))
    XCTAssertTrue(parsed.containsText("10\u{2212}12"), "x tick 10^-12 (exponent in a tspan)")
    XCTAssertTrue(parsed.containsText("10\u{2212}10"))
    XCTAssertEqual(
      parsed.elements(named: "tspan").first?.attributes["font-size"], "8.25",
      "exponents are superscripts")
  }

  func testPointsMapIntoThePlotArea() throws {
    var chart = LineChart()
    chart.addSeries("diagonal", x: [0, 10], y: [0, 10])
    let layout = chart.makeLayout()
    let parsed = try XCTUnwrap(ParsedSVG(chart.svg()))
    let points = polylinePoints(parsed.elements(named: "polyline").first?.attributes["points"])
    XCTAssertEqual(points.count, 2)
    XCTAssertEqual(points[0].x, layout.left, accuracy: 0.01)
    XCTAssertEqual(points[0].y, layout.bottom, accuracy: 0.01)
    XCTAssertEqual(points[1].x, layout.right, accuracy: 0.01)
    XCTAssertEqual(points[1].y, layout.top, accuracy: 0.01)
  }

  func testTextIsEscaped() throws {
    let nasty = "a < b & \"c\" > 'd'"
    var chart = LineChart(title: nasty, xLabel: "x<1", yLabel: "p & q")
    chart.addSeries("<series>", x: [0, 1], y: [0, 1])
    chart.addVerticalLine(at: 0.5, label: "h = 1e-5 & \"more\"")
    let svg = chart.svg()
    XCTAssertFalse(svg.contains("<series>"))
    let parsed = try XCTUnwrap(ParsedSVG(svg))
    XCTAssertTrue(parsed.containsText(nasty))
    XCTAssertTrue(parsed.containsText("<series>"))
    XCTAssertTrue(parsed.containsText("h = 1e-5 & \"more\""))
  }

  func testReferenceLinesWidenTheRangeAndAreDrawn() {
    var chart = LineChart()
    chart.addSeries("s", x: [0, 1], y: [2, 3])
    chart.addHorizontalLine(at: 1.5, label: "floor")
    chart.addVerticalLine(at: 2, label: "end")
    let layout = chart.makeLayout()
    XCTAssertLessThanOrEqual(layout.yAxis.domain.lowerBound, 1.5)
    XCTAssertGreaterThanOrEqual(layout.xAxis.domain.upperBound, 2)
    XCTAssertTrue(chart.svg().contains(">floor</text>"))
  }

  func testAutomaticLegendAvoidsTheData() throws {
    // A rising line fills the top right and bottom left; the legend belongs top left.
    var chart = LineChart()
    chart.addSeries("rising", x: Array(0...20).map(Double.init), y: Array(0...20).map(Double.init))
    let layout = chart.makeLayout()
    let parsed = try XCTUnwrap(ParsedSVG(chart.svg()))
    let legendBox = try XCTUnwrap(
      parsed.elements.first { $0.name == "rect" && $0.attributes["fill-opacity"] != nil })
    let x = Double(legendBox.attributes["x"] ?? "") ?? 0
    let y = Double(legendBox.attributes["y"] ?? "") ?? 0
    XCTAssertLessThan(x, (layout.left + layout.right) / 2, "legend on the left")
    XCTAssertLessThan(y, (layout.top + layout.bottom) / 2, "legend at the top")
  }

  func testHiddenLegendAndEmptyChart() throws {
    var chart = LineChart(title: "empty")
    chart.legendPosition = .hidden
    chart.addSeries("s", x: [1], y: [2])
    let parsed = try XCTUnwrap(ParsedSVG(chart.svg()))
    XCTAssertTrue(parsed.elements(withClass: "legend").isEmpty)
    XCTAssertNotNil(ParsedSVG(LineChart().svg()))
    assertNoNonFiniteText(LineChart(yScale: .logarithmic).svg())
  }

  func testFixedRangeClipsTheData() throws {
    var chart = LineChart()
    chart.yRange = 0...1
    chart.addSeries("big", x: [0, 1, 2], y: [0, 1e300, 0.5])
    let svg = chart.svg()
    assertNoNonFiniteText(svg)
    let parsed = try XCTUnwrap(ParsedSVG(svg))
    XCTAssertEqual(
      parsed.elements(withClass: "series").first?.attributes["clip-path"], "url(#plot-area)")
  }
}

final class LineChartAnnotationTests: XCTestCase {
  func testAnnotationsAreDrawnWhereTheAxesCanPlaceThem() throws {
    var chart = LineChart(title: "notes", xScale: .logarithmic)
    chart.addSeries("s", x: [1, 10, 100], y: [0, 1, 2])
    chart.addAnnotation("kept & shown", x: 10, y: 1.5, alignment: .trailing)
    chart.addAnnotation("dropped", x: -1, y: 1)
    let parsed = try XCTUnwrap(ParsedSVG(chart.svg()))
    XCTAssertTrue(parsed.containsText("kept & shown"))
    XCTAssertFalse(parsed.containsText("dropped"))
    XCTAssertEqual(
      parsed.elements.first {
        $0.attributes["text-anchor"] == "end" && $0.attributes["stroke"] != nil
      }?
      .name, "text")
  }
}
