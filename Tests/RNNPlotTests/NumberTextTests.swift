import XCTest

@testable import RNNPlot

final class NumberTextTests: XCTestCase {
  func testFixedDecimals() {
    XCTAssertEqual(NumberText.fixed(2.5, decimals: 2), "2.50")
    XCTAssertEqual(NumberText.fixed(-0.004, decimals: 2), "0.00")
    XCTAssertEqual(NumberText.fixed(-1.236, decimals: 2), "-1.24")
    XCTAssertEqual(NumberText.fixed(1234.5, decimals: 0), "1235")
    XCTAssertEqual(NumberText.fixed(0.05, decimals: 3), "0.050")
  }

  func testCoordinatesDropTrailingZeros() {
    XCTAssertEqual(NumberText.coordinate(12.5), "12.5")
    XCTAssertEqual(NumberText.coordinate(3.0), "3")
    XCTAssertEqual(NumberText.coordinate(-0.001), "0")
    XCTAssertEqual(NumberText.coordinate(640.123456), "640.12")
  }

  func testNonFiniteNumbersNeverReachTheText() {
    XCTAssertEqual(NumberText.coordinate(.nan), "0")
    XCTAssertEqual(NumberText.fixed(-.infinity, decimals: 2), "0")
  }

  func testDecimalExponentAtPowersOfTen() {
    for k in -15...15 {
      let power = NumberText.powerOfTen(k)
      XCTAssertEqual(NumberText.decimalExponent(power), k)
      XCTAssertEqual(NumberText.decimalExponent(power.nextDown), k - 1)
      XCTAssertEqual(NumberText.decimalExponent(-3 * power), k)
    }
  }
}
