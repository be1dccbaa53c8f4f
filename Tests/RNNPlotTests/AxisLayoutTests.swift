import XCTest

@testable import RNNPlot

final class AxisLayoutTests: XCTestCase {
  private func assertValues(
    _ actual: [Double], _ expected: [Double], file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(actual.count, expected.count, "tick count \(actual)", file: file, line: line)
    for (a, e) in zip(actual, expected) where abs(a - e) > 1e-9 * max(1, abs(e)) {
      XCTFail("tick \(a) != \(e) in \(actual)", file: file, line: line)
    }
  }

  func testLinearTicksAreNiceAndCoverTheData() {
    let axis = AxisLayout(scale: .linear, covering: [0.13, 0.91], maxTicks: 6)
    assertValues(axis.ticks.map(\.value), [0, 0.2, 0.4, 0.6, 0.8, 1])
    XCTAssertEqual(axis.domain, 0...1)
    XCTAssertEqual(axis.ticks.map(\.label.description), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
  }

  func testLinearTicksUseOneTwoFiveSteps() {
    for (low, high) in [(0.0, 97.0), (-3.0, 7.5), (1e-3, 3.3e-3), (12_000.0, 1_800_000.0)] {
      let axis = AxisLayout(scale: .linear, covering: [low, high], maxTicks: 8)
      let values = axis.ticks.map(\.value)
      XCTAssertGreaterThanOrEqual(values.count, 2)
      XCTAssertLessThanOrEqual(values.count, 8)
      XCTAssertLessThanOrEqual(axis.domain.lowerBound, low)
      XCTAssertGreaterThanOrEqual(axis.domain.upperBound, high)
      let step = values[1] - values[0]
      let exponent = NumberText.decimalExponent(step)
      let leading = (step / NumberText.powerOfTen(exponent)).rounded()
      XCTAssertTrue([1, 2, 5].contains(leading), "step \(step) for \(low)...\(high)")
    }
  }

  func testNegativeLinearLabelsUseTheMinusSign() {
    let axis = AxisLayout(scale: .linear, covering: [-1, 1], maxTicks: 5)
    XCTAssertEqual(axis.ticks.first?.label.description, "\u{2212}1.0")
  }

  func testLogTicksSitOnDecades() {
    let axis = AxisLayout(scale: .logarithmic, covering: [1e-12, 1e-1], maxTicks: 12)
    assertValues(axis.ticks.map(\.value), (-12...(-1)).map { NumberText.powerOfTen($0) })
    XCTAssertEqual(axis.ticks.first?.label, TickLabel(base: "10", exponent: "\u{2212}12"))
    XCTAssertEqual(axis.ticks.last?.label.description, "10^\u{2212}1")
  }

  func testLogAxisRoundsOutToWholeDecades() {
    let axis = AxisLayout(scale: .logarithmic, covering: [3e-9, 0.02], maxTicks: 10)
    XCTAssertEqual(axis.domain.lowerBound, 1e-9, accuracy: 1e-24)
    XCTAssertEqual(axis.domain.upperBound, 0.1, accuracy: 1e-16)
  }

  func testLogTicksThinOutWhenThereAreManyDecades() {
    let axis = AxisLayout(scale: .logarithmic, covering: [1e-12, 1e-1], maxTicks: 6)
    assertValues(axis.ticks.map(\.value), [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2])
    XCTAssertFalse(axis.minorTicks.isEmpty, "skipped decades become minor ticks")
  }

  func testShortLogAxisGetsOneTwoFiveTicksWithPlainLabels() {
    let axis = AxisLayout(scale: .logarithmic, covering: [1, 1000], maxTicks: 10)
    assertValues(axis.ticks.map(\.value), [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000])
    XCTAssertEqual(axis.ticks.map(\.label.description)[3...4], ["10", "20"])
  }

  func testLogAxisIgnoresValuesItCannotPlace() {
    let axis = AxisLayout(
      scale: .logarithmic, covering: [0, -5, .nan, .infinity, 0.5, 40], maxTicks: 8)
    XCTAssertEqual(axis.domain.lowerBound, 0.1, accuracy: 1e-15)
    XCTAssertEqual(axis.domain.upperBound, 100, accuracy: 1e-12)
    XCTAssertNil(axis.fraction(of: 0))
    XCTAssertNil(axis.fraction(of: -.infinity))
    XCTAssertEqual(axis.fraction(of: 1) ?? -1, 1 / 3, accuracy: 1e-12)
  }

  func testFixedDomainIsKeptExactly() {
    let axis = AxisLayout(scale: .linear, covering: [0, 5], maxTicks: 8, fixedDomain: 0.6...1.04)
    XCTAssertEqual(axis.domain, 0.6...1.04)
    XCTAssertTrue(axis.ticks.allSatisfy { axis.domain.contains($0.value) })
    XCTAssertGreaterThanOrEqual(axis.ticks.count, 2)
  }

  func testDegenerateDataStillGivesAnAxis() {
    let flat = AxisLayout(scale: .linear, covering: [3, 3, 3])
    XCTAssertLessThan(flat.domain.lowerBound, 3)
    XCTAssertGreaterThan(flat.domain.upperBound, 3)
    let empty = AxisLayout(scale: .logarithmic, covering: [])
    XCTAssertEqual(empty.domain, 1...10)
  }

  func testCompactLabels() {
    XCTAssertEqual(TickLabel.compact(0).description, "0")
    XCTAssertEqual(TickLabel.compact(0.123456).description, "0.123")
    XCTAssertEqual(TickLabel.compact(-2.5).description, "\u{2212}2.5")
    XCTAssertEqual(TickLabel.compact(2.5e-7).description, "2.5×10^\u{2212}7")
    XCTAssertEqual(TickLabel.compact(99_970).description, "10^5")
  }
}
