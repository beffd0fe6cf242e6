import ArgumentParser

/// `latent models`: what can be trained.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the models latent can train, one line each.")

    func run() throws {
        let width = ModelName.allCases.map(\.rawValue.count).max() ?? 0
        for model in ModelName.allCases {
            print(model.rawValue.padding(toLength: width + 2, withPad: " ", startingAt: 0) + model.summary)
        }
    }
}
