#if canImport(Glibc)
  import Glibc
#endif

/// Keeps the C allocator from handing memory back to the system between training steps.
///
/// A training step allocates and frees many blocks of tens to hundreds of kilobytes (gate
/// activations, per-step weight gradients). With its default settings glibc's allocator serves
/// such blocks with fresh pages from the system and returns them when freed, so every step
/// pays for the system zeroing the same pages again (measured: a third of a GRU's training
/// time went to page faults). Raising the two thresholds keeps freed blocks for reuse; the
/// peak resident size is unchanged, since the memory is reused rather than grown.
///
/// Calling it more than once is harmless. Only glibc (Linux) needs it; elsewhere it does
/// nothing.
public func keepFreedMemoryForReuse() {
  #if canImport(Glibc)
    // `mallopt` lives in <malloc.h>, which the Glibc module does not import: look it up.
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(nil, "mallopt") else { return }  // nil: RTLD_DEFAULT
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    let trimThreshold: Int32 = -1  // M_TRIM_THRESHOLD in <malloc.h>
    let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
    _ = mallopt(mmapThreshold, 32 << 20)
    _ = mallopt(trimThreshold, 256 << 20)
  #endif
}
