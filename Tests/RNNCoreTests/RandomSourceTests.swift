import Foundation
import RNNCore
import XCTest

/// Golden values were recorded once from the kit's generator and cross-checked against the
/// reference C code of SplitMix64 and xoshiro256** (Blackman and Vigna). Any change to the
/// generator, its seeding or its conversions changes every seeded experiment in the course,
/// so these tests fail on purpose when that happens.
final class RandomSourceTests: XCTestCase {
  private static let draws = 100_000

  // MARK: - Golden streams

  func testGoldenBitsForSeedZero() {
    var rng = RandomSource(seed: 0)
    let bits = (0..<5).map { _ in rng.next() }
    XCTAssertEqual(
      bits,
      [
        0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0,
        0x6AA5_94F1_262D_2D2C, 0xBBA5_AD4A_1F84_2E59,
      ])
  }

  func testGoldenBitsForSeed42() {
    var rng = RandomSource(seed: 42)
    let bits = (0..<5).map { _ in rng.next() }
    XCTAssertEqual(
      bits,
      [
        0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1,
        0xECB8_AD47_03B3_60A1, 0xFDE6_DC7F_E2EC_5E64,
      ])
  }

  func testGoldenDerivedDraws() {
    var rng = RandomSource(seed: 42)
    XCTAssertEqual(
      (0..<3).map { _ in rng.uniform() },
      [0.083_862_971_059_882_163, 0.378_980_250_662_668_61, 0.680_043_411_028_139_37])

    rng = RandomSource(seed: 7)
    XCTAssertEqual(
      (0..<4).map { _ in rng.gaussian() },
      [
        -0.151_572_745_477_113_55, 0.829_897_087_969_256_99, 0.587_099_580_712_580_39,
        -0.070_057_468_534_367_701,
      ])

    rng = RandomSource(seed: 7)
    XCTAssertEqual((0..<10).map { _ in rng.int(below: 10) }, [4, 4, 8, 4, 4, 1, 6, 6, 8, 9])

    rng = RandomSource(seed: 7)
    XCTAssertEqual(rng.permutation(10), [8, 3, 9, 0, 7, 2, 1, 6, 5, 4])

    rng = RandomSource(seed: 7)
    XCTAssertEqual(
      (0..<10).map { _ in rng.categorical([1, 2, 3, 4]) }, [3, 1, 3, 3, 3, 3, 0, 1, 2, 1])
  }

  func testUniformUsesTheTop53Bits() {
    var bits = RandomSource(seed: 99)
    var rng = RandomSource(seed: 99)
    for _ in 0..<1000 {
      let expected = Double(bits.next() >> 11) / 9_007_199_254_740_992  // 2^53
      XCTAssertEqual(rng.uniform(), expected)
    }
  }

  func testGaussianIsBoxMullerOfTwoUniforms() {
    var uniforms = RandomSource(seed: 5)
    var rng = RandomSource(seed: 5)
    for _ in 0..<100 {
      let u1 = uniforms.uniform()
      let u2 = uniforms.uniform()
      let radius = (-2 * log(u1)).squareRoot()
      assertClose(rng.gaussian(), radius * cos(2 * .pi * u2), tolerance: 1e-14)
      assertClose(rng.gaussian(), radius * sin(2 * .pi * u2), tolerance: 1e-14)
    }
  }

  // MARK: - Determinism

  func testSameSeedGivesSameStream() {
    var a = RandomSource(seed: 2024)
    var b = RandomSource(seed: 2024)
    for _ in 0..<1000 {
      XCTAssertEqual(a.next(), b.next())
    }
    XCTAssertEqual(a.gaussian(), b.gaussian())
    XCTAssertEqual(a.permutation(50), b.permutation(50))
  }

  func testCopiesContinueTheSameStream() {
    var a = RandomSource(seed: 3)
    _ = a.gaussian()  // leaves a spare Gaussian inside `a`
    var b = a
    XCTAssertEqual(a.gaussian(), b.gaussian(), "the spare Gaussian is part of the copied state")
    XCTAssertEqual((0..<10).map { _ in a.uniform() }, (0..<10).map { _ in b.uniform() })
  }

  func testDifferentSeedsGiveDifferentStreams() {
    let seeds: [UInt64] = [0, 1, 2, 3, 42, 1 << 32, .max]
    var prefixes = Set<[UInt64]>()
    var firstValues = Set<UInt64>()
    for seed in seeds {
      var rng = RandomSource(seed: seed)
      let prefix = (0..<4).map { _ in rng.next() }
      prefixes.insert(prefix)
      firstValues.insert(prefix[0])
    }
    XCTAssertEqual(prefixes.count, seeds.count)
    XCTAssertEqual(firstValues.count, seeds.count)
  }

  // MARK: - Distributions

  func testUniformMeanAndVarianceOverManyDraws() {
    var rng = RandomSource(seed: 11)
    var sum = 0.0
    var sumSquares = 0.0
    var low = 1.0
    var high = 0.0
    for _ in 0..<Self.draws {
      let u = rng.uniform()
      sum += u
      sumSquares += u * u
      low = min(low, u)
      high = max(high, u)
    }
    let n = Double(Self.draws)
    let mean = sum / n
    let variance = sumSquares / n - mean * mean
    // Standard errors: 0.00091 for the mean, 0.00024 for the variance; allow about 5 of each.
    assertClose(mean, 0.5, tolerance: 0.0046)
    assertClose(variance, 1.0 / 12, tolerance: 0.0012)
    XCTAssertGreaterThanOrEqual(low, 0)
    XCTAssertLessThan(low, 1e-3)
    XCTAssertLessThan(high, 1)
    XCTAssertGreaterThan(high, 1 - 1e-3)
  }

  func testUniformInARange() {
    var rng = RandomSource(seed: 12)
    var sum = 0.0
    var outside = 0
    for _ in 0..<10_000 {
      let u = rng.uniform(-3, 5)
      if !(u >= -3 && u < 5) { outside += 1 }
      sum += u
    }
    XCTAssertEqual(outside, 0, "draws outside [-3, 5)")
    // The mean is 1 with standard error 8/sqrt(12 * 10_000) = 0.023.
    assertClose(sum / 10_000, 1, tolerance: 0.12)
  }

  func testGaussianMomentsOverManyDraws() {
    var rng = RandomSource(seed: 13)
    var moments = [0.0, 0.0, 0.0, 0.0]
    var withinOneSigma = 0
    for _ in 0..<Self.draws {
      let z = rng.gaussian()
      moments[0] += z
      moments[1] += z * z
      moments[2] += z * z * z
      moments[3] += z * z * z * z
      if abs(z) < 1 { withinOneSigma += 1 }
    }
    let n = Double(Self.draws)
    let (mean, second, third, fourth) = (
      moments[0] / n, moments[1] / n, moments[2] / n, moments[3] / n
    )
    // Standard errors over 100k draws: 0.0032 (mean), 0.0045 (E z²), 0.012 (E z³), 0.031 (E z⁴).
    assertClose(mean, 0, tolerance: 0.016)
    assertClose((second - mean * mean).squareRoot(), 1, tolerance: 0.012)
    assertClose(third, 0, tolerance: 0.06)
    assertClose(fourth, 3, tolerance: 0.16, "a normal distribution has kurtosis 3")
    assertClose(Double(withinOneSigma) / n, 0.682_689_5, tolerance: 0.0075)
  }

  func testGaussianHonoursMeanAndStd() {
    var rng = RandomSource(seed: 14)
    let n = 20_000
    let values = (0..<n).map { _ in rng.gaussian(mean: 3, std: 0.5) }
    let mean = values.reduce(0, +) / Double(n)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
    assertClose(mean, 3, tolerance: 0.02)
    assertClose(variance.squareRoot(), 0.5, tolerance: 0.015)
  }

  func testIntBelowIsUniformByChiSquare() {
    var rng = RandomSource(seed: 15)
    var counts = [Int](repeating: 0, count: 10)
    for _ in 0..<Self.draws {
      let k = rng.int(below: 10)
      guard (0..<10).contains(k) else { return XCTFail("int(below: 10) gave \(k)") }
      counts[k] += 1
    }
    // 9 degrees of freedom: the 0.999 quantile is 27.88.
    let statistic = chiSquare(counts, probabilities: Array(repeating: 0.1, count: 10))
    XCTAssertLessThan(statistic, 27.88, "counts \(counts)")
  }

  func testIntBelowHasNoModuloBiasForHugeBounds() {
    // With bound 3·2⁶¹, taking `next() % bound` without rejection would make the lower two
    // thirds of the range twice as likely as the top third.
    let bound = 3 << 61
    var rng = RandomSource(seed: 16)
    var thirds = [0, 0, 0]
    for _ in 0..<30_000 {
      let k = rng.int(below: bound)
      guard k >= 0 && k < bound else { return XCTFail("int(below: 3·2⁶¹) gave \(k)") }
      thirds[k / (1 << 61)] += 1
    }
    // 2 degrees of freedom: the 0.999 quantile is 13.82.
    let statistic = chiSquare(thirds, probabilities: [1.0 / 3, 1.0 / 3, 1.0 / 3])
    XCTAssertLessThan(statistic, 13.82, "counts \(thirds)")
  }

  func testIntBelowOneIsAlwaysZero() {
    var rng = RandomSource(seed: 17)
    XCTAssertEqual(Set((0..<100).map { _ in rng.int(below: 1) }), [0])
  }

  func testCategoricalMatchesWeightsByChiSquare() {
    let weights: [Double] = [1, 0, 2, 3, 0, 4]
    var rng = RandomSource(seed: 18)
    var counts = [Int](repeating: 0, count: weights.count)
    for _ in 0..<Self.draws { counts[rng.categorical(weights)] += 1 }
    XCTAssertEqual(counts[1], 0, "a zero weight was drawn")
    XCTAssertEqual(counts[4], 0, "a zero weight was drawn")
    let positive = [0, 2, 3, 5]
    // 3 degrees of freedom: the 0.999 quantile is 16.27.
    let statistic = chiSquare(positive.map { counts[$0] }, probabilities: [0.1, 0.2, 0.3, 0.4])
    XCTAssertLessThan(statistic, 16.27, "counts \(counts)")
  }

  func testCategoricalWithOneNonZeroWeight() {
    var rng = RandomSource(seed: 19)
    XCTAssertEqual(Set((0..<200).map { _ in rng.categorical([0, 0, 1e-300, 0]) }), [2])
  }

  func testPermutationIsAPermutation() {
    var rng = RandomSource(seed: 20)
    for n in [0, 1, 2, 7, 100] {
      let p = rng.permutation(n)
      XCTAssertEqual(p.count, n)
      XCTAssertEqual(p.sorted(), Array(0..<n))
    }
    XCTAssertNotEqual(rng.permutation(100), Array(0..<100))
  }

  func testPermutationsOfThreeAreEquallyLikely() {
    // A Fisher-Yates off-by-one (for example Sattolo's variant) reaches only some orders.
    var rng = RandomSource(seed: 21)
    var counts: [[Int]: Int] = [:]
    let n = 30_000
    for _ in 0..<n { counts[rng.permutation(3), default: 0] += 1 }
    XCTAssertEqual(counts.count, 6)
    // 5 degrees of freedom: the 0.999 quantile is 20.52.
    let statistic = chiSquare(
      Array(counts.values), probabilities: Array(repeating: 1.0 / 6, count: 6))
    XCTAssertLessThan(statistic, 20.52, "counts \(counts)")
  }
}
