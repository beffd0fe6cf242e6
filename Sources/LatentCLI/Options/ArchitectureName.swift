import ArgumentParser
import LatentModels

/// `--architecture` of `latent train`: the layer family, shared by both model families.
enum ArchitectureName: String, ExpressibleByArgument, CaseIterable {
    case mlp, convolutional, maxout

    /// Accepts the names and `conv` for `convolutional`.
    init?(argument: String) {
        if argument == "conv" {
            self = .convolutional
        } else if let name = ArchitectureName(rawValue: argument) {
            self = name
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] { ["mlp", "convolutional", "conv", "maxout"] }

    /// The adversarial family's architecture of the same name.
    func adversarial() -> AdversarialArchitecture {
        switch self {
        case .mlp: return .mlp
        case .convolutional: return .convolutional
        case .maxout: return .maxout
        }
    }

    /// The variational family's architecture of the same name; `maxout` is refused before this.
    func variational() -> VariationalArchitecture {
        self == .convolutional ? .convolutional : .mlp
    }
}
