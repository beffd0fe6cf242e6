import ArgumentParser
import Testing

@testable import LatentCLI

/// Every floating-point option of `latent train` refuses NaN, the infinities and values outside
/// its range at validation, in one line naming the option.
@Suite("Float options")
struct FloatOptionTests {
    static let flags = (try! TrainCommand.parse(["vae", "--out", "r"])).floatOptions.map(\.flag)

    /// The options checked are all there are: the command and its option groups declare as many
    /// `Float` options as ``TrainCommand/floatOptions`` lists, each once.
    @Test func everyFloatOptionIsChecked() throws {
        let command = try TrainCommand.parse(["vae", "--out", "r"])
        let declared = [
            Mirror(reflecting: command), Mirror(reflecting: command.variational),
            Mirror(reflecting: command.adversarial),
        ]
        .flatMap(\.children)
        .filter { $0.value is Option<Float> || $0.value is Option<Float?> }
        #expect(declared.count == Self.flags.count)
        #expect(Set(Self.flags).count == Self.flags.count)
        #expect(
            try TrainCommand.parse(["vae", "--out", "r"]).floatOptions.count == Self.flags.count)
    }

    @Test(arguments: flags)
    func nonFiniteValuesAreRefused(flag: String) {
        for value in ["nan", "inf", "-inf"] {
            do {
                _ = try TrainCommand.parse(["gan", "--out", "r", "\(flag)=\(value)"])
                Issue.record("\(flag) \(value) was accepted")
            } catch {
                let message = TrainCommand.message(for: error)
                #expect(message.hasPrefix("\(flag) must be "), "\(message)")
                #expect(!message.contains("\n"), "\(message)")
            }
        }
    }

    @Test func valuesOutsideTheirRangeAreRefused() {
        for argument in [
            "--learning-rate=-1", "--output-std=0", "--beta=-0.5", "--beta2=1", "--momentum=1.5",
            "--dropout=1", "--ema-decay=-0.1", "--clip=0", "--learning-rate-decay=0", "--classifier-dropout=1",
        ] {
            do {
                _ = try TrainCommand.parse(["gan", "--out", "r", argument])
                Issue.record("\(argument) was accepted")
            } catch {
                let flag = String(argument.prefix { $0 != "=" })
                #expect(TrainCommand.message(for: error).hasPrefix("\(flag) must be"))
            }
        }
        #expect(throws: Never.self) {
            try TrainCommand.parse([
                "wgan-gp", "--out", "r", "--beta1", "0", "--beta2", "0.9", "--penalty-weight", "10",
                "--learning-rate", "1e-4", "--g-negative-slope", "0", "--info-weight", "0",
            ])
        }
    }
}
