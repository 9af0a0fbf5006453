using System.Text.Json.Nodes;
using Rebel.Tensors;

namespace Rebel.Preference.Models;

/// <summary>
/// Bradley–Terry reward model: a scalar head on an encoder, r(x, y) = h(x, y) · w, and
/// P(y ≻ y′ | x) = σ(r(x, y) − r(x, y′)). Trained by −[p ln σ(r_a − r_b) + (1 − p) ln σ(r_b − r_a)].
/// </summary>
/// <remarks>
/// The preference it induces is transitive by construction (it orders completions by r), so on a cyclic
/// preference such as rock–paper–scissors it can be right on at most two of every three pairs of a cycle.
/// Parameter: <c>head.w</c> [D, 1] (a bias would cancel in every difference, so there is none).
/// </remarks>
public sealed class BradleyTerryRewardModel : NeuralPreferenceModel, IRewardModel
{
    /// <summary>The <c>kind</c> written in the config.</summary>
    public const string KindName = "bt";

    private readonly Tensor _w; // [D, 1]

    /// <summary>A new model over <paramref name="encoder"/> with a head drawn from <paramref name="rng"/>.</summary>
    public BradleyTerryRewardModel(ICompletionEncoder encoder, Rng rng) : base(encoder)
    {
        ArgumentNullException.ThrowIfNull(rng);
        _w = Tensor.Normal(rng, 1f / MathF.Sqrt(encoder.Dimension), encoder.Dimension, 1);
        _w.Name = "head.w";
        _w.RequiresGrad = true;
    }

    /// <inheritdoc/>
    public override string Kind => KindName;

    /// <inheritdoc/>
    public override int EmbeddingSize => 1;

    /// <inheritdoc/>
    protected override IReadOnlyList<Tensor> HeadParameters => [_w];

    /// <summary>r(x, y) for each item.</summary>
    public double[] Rewards(IReadOnlyList<(string Prompt, string Completion)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Array.ConvertAll(EmbedAll(items), r => (double)r);
    }

    /// <inheritdoc/>
    protected override Tensor Head(Tensor features) => Tensor.MatMul(features, _w); // (N, 1)

    /// <inheritdoc/>
    protected override Tensor PairLogits(Tensor ea, Tensor eb) => (ea - eb).Reshape(ea.Dim(0)); // r_a − r_b, (N)

    /// <inheritdoc/>
    protected override double PairLogit(ReadOnlySpan<float> ea, ReadOnlySpan<float> eb) => (double)ea[0] - eb[0];

    /// <inheritdoc/>
    protected override JsonObject DescribeHead() => new() { ["type"] = "scalar" };
}
