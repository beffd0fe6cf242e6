import Testing

@testable import LatentModels

@Suite("VariationalConfiguration")
struct VariationalConfigurationTests {
    /// The score-function estimator draws one z per example, so a request for more is refused
    /// rather than ignored; the reparameterised VAE averages its k draws and keeps them.
    @Test func scoreFunctionRefusesSeveralImportanceSamples() throws {
        var configuration = tinyConfiguration(.vae)
        configuration.estimator = .scoreFunction
        configuration.importanceSamples = 5
        let error = try #require(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error.description.contains("--importance-samples 5"), "\(error)")
        #expect(!error.description.contains("\n"))
        configuration.importanceSamples = 1
        try configuration.validate()
        configuration.estimator = .reparameterization
        configuration.importanceSamples = 5
        try configuration.validate()
    }

    /// The IWAE bound has no score-function form here: refused, not silently reparameterised.
    @Test func importanceWeightedModelRefusesTheScoreFunction() {
        var configuration = tinyConfiguration(.iwae)
        configuration.importanceSamples = 5
        configuration.estimator = .scoreFunction
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}
