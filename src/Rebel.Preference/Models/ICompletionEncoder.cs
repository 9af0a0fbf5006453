using System.Text.Json.Nodes;
using Rebel.Tensors;

namespace Rebel.Preference.Models;

/// <summary>
/// Turns (prompt x, completion y) text into a feature vector h(x, y) ∈ R^D that a preference head reads.
/// Implementations own their parameters; gradients flow through <see cref="Encode"/> when grad mode is on.
/// </summary>
public interface ICompletionEncoder
{
    /// <summary>D, the length of each encoded vector.</summary>
    int Dimension { get; }

    /// <summary>The trainable parameters, each with a unique <see cref="Tensor.Name"/> (used as the safetensors name).</summary>
    IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Encodes each (prompt, completion) pair: returns h of shape [N, D], row n for item n.</summary>
    Tensor Encode(IReadOnlyList<(string Prompt, string Completion)> items);

    /// <summary>The encoder's part of the model config (<c>type</c> plus its sizes), enough to rebuild it before loading weights.</summary>
    JsonObject Describe();

    /// <summary>
    /// Writes whatever besides the weights and <see cref="Describe"/> the encoder needs to be rebuilt (a backbone's
    /// config, a tokenizer) into the model directory <paramref name="directory"/>; the default writes nothing.
    /// </summary>
    void SaveFiles(string directory)
    {
    }
}
