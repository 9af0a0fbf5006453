using System.Text.Json.Nodes;
using Rebel.Tensors;

namespace Rebel.Preference.Models;

/// <summary>
/// General preference model with skew-symmetric preference embeddings: each completion is embedded once as
/// v(x, y) = h(x, y) W + c ∈ R^{2k}, and P(y ≻ y′ | x) = σ(vᵀ R v′ / τ) with R block-diagonal of k blocks [[0, 1], [−1, 0]].
/// </summary>
/// <remarks>
/// <para>vᵀ R v′ = Σ_{i&lt;k} (v_{2i} v′_{2i+1} − v_{2i+1} v′_{2i}). Because Rᵀ = −R the score is antisymmetric, so
/// P(y ≻ y′) + P(y′ ≻ y) = 1 exactly and P(y ≻ y) = ½, and — unlike a scalar reward — it can represent cycles
/// (three vectors at 120° in one block give rock–paper–scissors). K completions of a prompt cost K encoder passes,
/// not K².</para>
/// <para>τ &gt; 0 is a fixed temperature (config <c>tau</c>). Parameters: <c>head.w</c> [D, 2k], <c>head.b</c> [2k].</para>
/// </remarks>
public sealed class GeneralPreferenceModel : NeuralPreferenceModel
{
    /// <summary>The <c>kind</c> written in the config.</summary>
    public const string KindName = "gpm";

    private readonly Tensor _w;         // [D, 2k]
    private readonly Tensor _b;         // [2k]
    private readonly Tensor _rotation;  // [2k, 2k], Rᵀ so that (v′ Rᵀ)ᵢ = (R v′)ᵢ; constant

    /// <summary>A new model over <paramref name="encoder"/> with k blocks and temperature τ.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k below 1, or τ not a positive finite number.</exception>
    public GeneralPreferenceModel(ICompletionEncoder encoder, int blocks, double temperature, Rng rng) : base(encoder)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (blocks < 1) throw new ArgumentOutOfRangeException(nameof(blocks), blocks, "k (blocks) must be at least 1.");
        if (!(temperature > 0 && double.IsFinite(temperature)))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "τ (temperature) must be a positive finite number.");
        Blocks = blocks;
        Temperature = temperature;
        _w = Tensor.Normal(rng, 1f / MathF.Sqrt(encoder.Dimension), encoder.Dimension, 2 * blocks);
        _w.Name = "head.w";
        _w.RequiresGrad = true;
        _b = Tensor.Zeros(2 * blocks);
        _b.Name = "head.b";
        _b.RequiresGrad = true;
        _rotation = Tensor.Zeros(2 * blocks, 2 * blocks);
        for (int i = 0; i < blocks; i++)
        {
            _rotation[2 * i + 1, 2 * i] = 1f;  // (R v′)_{2i}   =  v′_{2i+1}
            _rotation[2 * i, 2 * i + 1] = -1f; // (R v′)_{2i+1} = −v′_{2i}
        }
    }

    /// <summary>k, the number of 2×2 blocks (the embedding has 2k entries).</summary>
    public int Blocks { get; }

    /// <summary>τ, the temperature dividing the score.</summary>
    public double Temperature { get; }

    /// <inheritdoc/>
    public override string Kind => KindName;

    /// <inheritdoc/>
    public override int EmbeddingSize => 2 * Blocks;

    /// <inheritdoc/>
    protected override IReadOnlyList<Tensor> HeadParameters => [_w, _b];

    /// <inheritdoc/>
    protected override Tensor Head(Tensor features) => Tensor.MatMul(features, _w) + _b; // v, (N, 2k)

    /// <inheritdoc/>
    protected override Tensor PairLogits(Tensor ea, Tensor eb) =>
        (ea * Tensor.MatMul(eb, _rotation)).Sum(1).Scale((float)(1.0 / Temperature)); // vᵀ R v′ / τ, (N)

    /// <inheritdoc/>
    protected override double PairLogit(ReadOnlySpan<float> ea, ReadOnlySpan<float> eb)
    {
        // Each term is exactly negated when a and b swap (float products commute), so z(b, a) = −z(a, b) exactly.
        double s = 0;
        for (int i = 0; i < Blocks; i++)
            s += (double)ea[2 * i] * eb[2 * i + 1] - (double)ea[2 * i + 1] * eb[2 * i];
        return s / Temperature;
    }

    /// <inheritdoc/>
    protected override JsonObject DescribeHead() => new() { ["type"] = "skew", ["blocks"] = Blocks, ["tau"] = Temperature };
}
