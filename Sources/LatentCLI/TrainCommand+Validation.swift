import ArgumentParser

extension TrainCommand {
    /// Refuses negative intervals, an empty test set, and two lengths for an adversarial run.
    func validateCounts() throws {
        if let checkpointEvery, checkpointEvery < 0 {
            throw ValidationError("--checkpoint-every must not be negative (0: no extra checkpoints).")
        }
        if let sampleEvery, sampleEvery < 0 {
            throw ValidationError("--sample-every must not be negative (0: pictures only at the end).")
        }
        if let testLimit, testLimit <= 0 { throw ValidationError("--test-limit must be positive.") }
        if model.adversarialKind != nil, epochs != nil, adversarial.steps != nil {
            throw ValidationError("--epochs and --steps both set the length of a \(model.rawValue) run; give one of them.")
        }
    }
}
