import Foundation

/// A seeded random number generator: xoshiro256** seeded through SplitMix64.
///
/// The kit draws every random number through this type with its own conversions (not the
/// standard library's `random(in:)`, whose algorithm may change between Swift versions), so a
/// seed produces the same weights, batches and samples on Linux and macOS.
///
///     var rng = RandomSource(seed: 42)
///     let u = rng.uniform()            // in [0, 1)
///     let g = rng.gaussian()           // standard normal
///     let i = rng.int(below: 10)       // in 0..<10
public struct RandomSource: RandomNumberGenerator, Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64
  /// A second Gaussian from the last Box-Muller draw.
  private var spareGaussian: Double?

  /// Creates a generator; equal seeds give equal streams.
  public init(seed: UInt64) {
    var sm = seed
    func splitMix() -> UInt64 {
      sm &+= 0x9E37_79B9_7F4A_7C15
      var z = sm
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix()
    s1 = splitMix()
    s2 = splitMix()
    s3 = splitMix()
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return result
  }

  @inline(__always)
  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// A uniform draw from `[0, 1)` with 53 random bits.
  public mutating func uniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A uniform draw from `[low, high)`.
  public mutating func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * uniform()
  }

  /// A uniform integer in `0..<bound`, without modulo bias.
  public mutating func int(below bound: Int) -> Int {
    precondition(bound > 0, "RandomSource.int(below:): bound must be positive, got \(bound)")
    let b = UInt64(bound)
    let limit = UInt64.max - UInt64.max % b
    while true {
      let r = next()
      if r < limit { return Int(r % b) }
    }
  }

  /// A normal draw with the given mean and standard deviation (Box-Muller).
  public mutating func gaussian(mean: Double = 0, std: Double = 1) -> Double {
    if let spare = spareGaussian {
      spareGaussian = nil
      return mean + std * spare
    }
    var u1 = uniform()
    while u1 <= 0 { u1 = uniform() }
    let u2 = uniform()
    let radius = (-2 * log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    spareGaussian = radius * sin(angle)
    return mean + std * radius * cos(angle)
  }

  /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
  public mutating func categorical(_ weights: [Double]) -> Int {
    let total = weights.reduce(0, +)
    precondition(
      weights.allSatisfy { $0 >= 0 }, "RandomSource.categorical: weights must not be negative")
    precondition(total > 0 && total.isFinite, "RandomSource.categorical: weights sum to \(total)")
    var r = uniform() * total
    for (i, w) in weights.enumerated() {
      r -= w
      if r < 0 { return i }
    }
    return weights.lastIndex { $0 > 0 } ?? 0
  }

  /// A random permutation of `0..<n` (Fisher-Yates).
  public mutating func permutation(_ n: Int) -> [Int] {
    precondition(n >= 0, "RandomSource.permutation: n must not be negative, got \(n)")
    var p = Array(0..<n)
    if n < 2 { return p }
    for i in stride(from: n - 1, to: 0, by: -1) {
      p.swapAt(i, int(below: i + 1))
    }
    return p
  }
}
