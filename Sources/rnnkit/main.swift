import Foundation
import RNNCore

/// `rnnkit`: train, sample, benchmark and draw figures with the course kit.
///
/// Commands run on the student's own implementation (the unit modules built from
/// `Exercises/`) unless `RNNKIT_SOLUTIONS=1` selects the reference solutions. An exercise that
/// is not written yet stops the command with one line naming it.

let topLevelUsage = """
  Usage: rnnkit <command> [options]
  """

let topLevelHelp = """
  rnnkit: the course kit's command-line tool.

  \(topLevelUsage)

  Commands:
  \(RNNKitCommand.all.map { "  " + $0.name.padding(toLength: 10, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))

  Run `rnnkit <command> --help` for the options of a command.
  In the full kit (with Solutions/), RNNKIT_SOLUTIONS=1 runs the reference solutions instead
  of your exercises; the student handout has none.
  """

keepFreedMemoryForReuse()
lineBufferStandardOutput()
let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, !["-h", "--help", "help"].contains(name) else {
  print(topLevelHelp)
  exit(0)
}
guard let command = RNNKitCommand.all.first(where: { $0.name == name }) else {
  FileHandle.standardError.write(
    Data("Error: unknown command `\(name)`\n\(topLevelUsage)\n".utf8))
  exit(64)
}
exit(command.run(Array(arguments.dropFirst())))
