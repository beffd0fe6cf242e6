extension RunConfiguration {
    /// Checks the model and training settings it holds, as when the run was made, so that an
    /// edited `config.json` gets a one-line error rather than a crash when the model is built.
    ///
    /// - Throws: ``ConfigurationError`` naming the first value that cannot work.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw ConfigurationError(message) }
        }
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
