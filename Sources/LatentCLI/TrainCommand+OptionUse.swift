import ArgumentParser
import Foundation

extension TrainCommand {
    /// The options every model takes, by long name.
    static let optionsOfEveryModel: Set<String> = [
        "--out", "--resume", "--epochs", "--batch-size", "--learning-rate", "--seed", "--training-limit",
        "--log-every", "--json", "--dataset", "--data-dir",
    ]

    /// The models that take each of the other options, by long name: the variational and the
    /// adversarial option groups' own (read from their definitions, so a new option in a group
    /// is classified with it), narrowed for the few that only some models of the family use,
    /// and the command's own options that not every model uses.
    static let optionUsers: [String: Set<ModelName>] = {
        var users: [String: Set<ModelName>] = [:]
        for name in longOptionNames(of: VariationalOptions.self) { users[name] = variationalModels }
        for name in longOptionNames(of: AdversarialOptions.self) { users[name] = adversarialModels }
        users["--beta"] = [.betaVAE]
        // The ae draws no z; only the score-function estimator (vae, beta-vae, cvae) has a baseline.
        users["--importance-samples"] = variationalModels.subtracting([.ae])
        for name in ["--baseline", "--no-baseline"] { users[name] = [.vae, .betaVAE, .cvae] }
        users["--info-weight"] = [.infogan]
        users["--projection"] = [.cgan]
        for name in ["--learning-rate-decay", "--classifier-architecture", "--classifier-features", "--classifier-dropout"] { users[name] = [.classifier] }
        users["--test-limit"] = variationalModels.union([.classifier])
        for name in ["--checkpoint-every", "--sample-every", "--architecture", "--width"] {
            users[name] = variationalModels.union(adversarialModels)
        }
        return users
    }()

    static let variationalModels = Set(ModelName.allCases.filter { $0.variationalKind != nil })
    static let adversarialModels = Set(ModelName.allCases.filter { $0.adversarialKind != nil })

    /// Refuses the options in `arguments` (as typed after `train`) that `model` does not use,
    /// all of them in one line, naming the models that take each.
    ///
    /// ArgumentParser cannot say whether an option with a default was given, so this reads the
    /// arguments themselves.
    static func checkOptionsApply(to model: ModelName, in arguments: [String]) throws {
        // The refused options grouped by the models that take them, in the order given.
        var groups: [(users: String, names: [String])] = []
        for name in givenOptionNames(arguments) {
            guard let users = optionUsers[name], !users.contains(model) else { continue }
            let description = describe(users)
            if let index = groups.firstIndex(where: { $0.users == description }) {
                groups[index].names.append(name)
            } else {
                groups.append((description, [name]))
            }
        }
        guard groups.isEmpty else {
            throw ValidationError("\(model.rawValue) does not take "
                + groups.map { "\($0.names.joined(separator: ", ")) (for \($0.users))" }.joined(separator: "; "))
        }
    }

    /// The long options in `arguments` in order of first appearance: `--name` of `--name` and
    /// `--name=value`, up to a `--` that ends the options.
    static func givenOptionNames(_ arguments: [String]) -> [String] {
        var names: [String] = []
        for token in arguments {
            if token == "--" { break }
            guard token.hasPrefix("--") else { continue }
            let name = String(token.split(separator: "=", maxSplits: 1)[0])
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The long names (`--name`, and `--no-name` of an inverted flag) of an option group.
    static func longOptionNames(of type: any ParsableArguments.Type) -> Set<String> {
        // ArgumentParser's own description of the type (what `--experimental-dump-help` prints).
        struct Dump: Decodable {
            struct Command: Decodable { var arguments: [Argument]? }
            struct Argument: Decodable { var names: [Name]? }
            struct Name: Decodable { var kind: String, name: String }
            var command: Command
        }
        guard let dump = try? JSONDecoder().decode(Dump.self, from: Data(type._dumpHelp().utf8)) else { return [] }
        let names = (dump.command.arguments ?? []).flatMap { $0.names ?? [] }
        return Set(names.filter { $0.kind == "long" && $0.name != "help" }.map { "--" + $0.name })
    }

    /// The models in `users`, by family where a whole family is there.
    private static func describe(_ users: Set<ModelName>) -> String {
        var parts: [String] = []
        var rest = users
        if users.isSuperset(of: variationalModels.union(adversarialModels)) {
            parts.append("the variational and adversarial models")
            rest.subtract(variationalModels.union(adversarialModels))
        }
        for (family, name) in [(variationalModels, "variational"), (adversarialModels, "adversarial")]
        where rest.isSuperset(of: family) {
            parts.append("the \(name) models \(family.sortedNames)")
            rest.subtract(family)
        }
        if rest == [.classifier] {
            parts.append("the classifier")
        } else if !rest.isEmpty {
            parts.append(rest.sortedNames)
        }
        return parts.joined(separator: " and ")
    }
}

extension Set<ModelName> {
    /// The names in `latent models` order, comma-separated.
    fileprivate var sortedNames: String {
        ModelName.allCases.filter(contains).map(\.rawValue).joined(separator: ", ")
    }
}
