extension RunConfiguration {
    /// Checks the model and training settings it holds, as when the run was made, so that an
    /// edited `config.json` gets a one-line error rather than a crash when the model is built.
    ///
    /// - Throws: ``ConfigurationError`` naming the first value that cannot work.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw ConfigurationError(message) }
        }
        // The model's name and its configuration block agree (one block, of the named model).
        let blocks = [variational.map { $0.kind.rawValue }, adversarial.map { $0.kind.rawValue },
                      classifier.map { _ in "classifier" }].compactMap { $0 }
        try require(!blocks.isEmpty, "model '\(model)' has no configuration block (variational, adversarial or classifier)")
        try require(blocks.count == 1, "configuration blocks of several models (\(blocks.joined(separator: ", ")))")
        try require(blocks[0] == model, "model '\(model)' but the configuration block of \(blocks[0])")
        try variational?.validate()
        try adversarial?.validate()
        try adversarialTraining?.validate()
        if let options = variationalTraining {
            try require(options.epochs > 0 && options.batchSize > 0 && options.logEvery > 0,
                        "epochs, batch size and log interval must be positive")
            try require(options.checkpointEvery >= 0 && options.sampleEvery >= 0, "intervals must not be negative")
        }
        try classifier?.validate()
        if let options = classifierTraining {
            try require(options.epochs > 0 && options.batchSize > 0 && options.logEvery > 0,
                        "epochs, batch size and log interval must be positive")
        }
    }
}
