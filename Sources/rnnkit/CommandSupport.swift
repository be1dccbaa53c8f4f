import Foundation
import RNNCommandLine
import RNNData

/// A problem with the command line (exit 64) or with the input or the run (exit 1).
enum CommandFailure: Error {
  case usage(String)
  case input(String)
}

/// Runs one command's `body` and turns what it throws into the tool's messages and exit
/// statuses: a usage mistake prints `Error: ...`, the usage line and where the help is (64);
/// unusable input or a failed run prints `Error: ...` (1).
func runCommand(name: String, usageLine: String, _ body: () throws -> Void) -> Int32 {
  do {
    try body()
    return 0
  } catch let error as UsageError {
    return usageFailure(name: name, usageLine: usageLine, message: error.message)
  } catch CommandFailure.usage(let message) {
    return usageFailure(name: name, usageLine: usageLine, message: message)
  } catch CommandFailure.input(let message) {
    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    return 1
  } catch {
    FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
    return 1
  }
}

private func usageFailure(name: String, usageLine: String, message: String) -> Int32 {
  FileHandle.standardError.write(
    Data("Error: \(message)\n\(usageLine)\n  See 'rnnkit \(name) --help'.\n".utf8))
  return 64
}

/// The options `arguments` give, starting from `defaults`; `nil` after printing `help` when
/// they ask for it. Usage mistakes are thrown (``runCommand(name:usageLine:_:)`` reports them).
func parseOptions<Options>(
  _ arguments: [String], with table: OptionTable<Options>, defaults: Options,
  help: () -> String
) throws -> Options? {
  var options = defaults
  guard try table.parse(arguments, into: &options) else {
    print(help())
    return nil
  }
  return options
}

/// Reads a text file, turning its errors into input failures that name it.
func readText(_ path: String) throws -> String {
  do {
    return try TextFile.read(path)
  } catch let error as TextFileError {
    throw CommandFailure.input(error.description)
  }
}

extension String {
  /// Right-aligned in a column of `width` characters, for tables; a longer text keeps one
  /// space before it so columns never run together.
  func rightAligned(_ width: Int) -> String {
    count >= width ? " " + self : String(repeating: " ", count: width - count) + self
  }
}

/// Makes standard output line-buffered even into a pipe or a file (the C library buffers whole
/// blocks there), so the progress lines of a long run show as it trains. The C `stdout`
/// variable is looked up by name: Swift 6 does not let code read a mutable C global directly.
func lineBufferStandardOutput() {
  #if canImport(Glibc)
    let symbol = dlsym(nil, "stdout")  // nil: RTLD_DEFAULT
  #else
    let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: -2), "__stdoutp")  // RTLD_DEFAULT
  #endif
  guard let symbol else { return }
  let stream = symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee
  if let stream { setvbuf(stream, nil, _IOLBF, 0) }
}

extension CommandOption {
  /// `--threads N`, the same entry in every command that multiplies large matrices.
  static func threads(set: @escaping @Sendable (inout Options, Int) -> Void) -> Self {
    .integer(
      "--threads", "N", atLeast: 1,
      help: "threads for the large matrix products (default 1); the results are",
      "the same for every N, only the speed changes", set: set)
  }
}
