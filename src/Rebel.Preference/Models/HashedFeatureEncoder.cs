using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Rebel.Tensors;

namespace Rebel.Preference.Models;

/// <summary>
/// A small, dependency-light encoder: hashed bag of words and word bigrams, then one hidden layer,
/// h(x, y) = GELU(φ(x, y) W + b) with φ ∈ R^F, W ∈ R^{F×D}.
/// </summary>
/// <remarks>
/// φ(x, y) = u(y) / ‖u(y)‖₂ + w · u′(x) / ‖u′(x)‖₂, where u(y) counts the lower-cased words and adjacent word pairs of
/// the completion, each hashed (FNV-1a) into one of F buckets, and u′(x) counts the prompt's words in a separate hash
/// space (w = <see cref="HashedFeatureEncoderOptions.PromptWeight"/>). An empty text contributes zeros.
/// Parameters: <c>encoder.w</c> [F, D] (normal, σ = 1/√F·4) and <c>encoder.b</c> [D] (zeros).
/// </remarks>
public sealed class HashedFeatureEncoder : ICompletionEncoder
{
    /// <summary>The <c>type</c> written in the model config.</summary>
    public const string TypeName = "features";

    private readonly Tensor _w; // [F, D]
    private readonly Tensor _b; // [D]

    /// <summary>A new encoder with weights drawn from <paramref name="rng"/>.</summary>
    public HashedFeatureEncoder(HashedFeatureEncoderOptions options, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        Options = options.Validate();
        _w = Tensor.Normal(rng, 4f / MathF.Sqrt(options.Buckets), options.Buckets, options.Hidden);
        _w.Name = "encoder.w";
        _w.RequiresGrad = true;
        _b = Tensor.Zeros(options.Hidden);
        _b.Name = "encoder.b";
        _b.RequiresGrad = true;
    }

    /// <summary>The sizes this encoder was built with.</summary>
    public HashedFeatureEncoderOptions Options { get; }

    /// <inheritdoc/>
    public int Dimension => Options.Hidden;

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Parameters => [_w, _b];

    /// <inheritdoc/>
    public Tensor Encode(IReadOnlyList<(string Prompt, string Completion)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        int n = items.Count, f = Options.Buckets;
        var phi = Tensor.Zeros(n, f); // (N, F)
        var span = phi.AsSpan();
        for (int i = 0; i < n; i++)
        {
            var row = span.Slice(i * f, f);
            AddNormalized(row, Features(items[i].Completion, 0x9e3779b97f4a7c15UL, bigrams: true), 1.0);
            if (Options.PromptWeight > 0)
                AddNormalized(row, Features(items[i].Prompt, 0xc2b2ae3d27d4eb4fUL, bigrams: false), Options.PromptWeight);
        }
        return (Tensor.MatMul(phi, _w) + _b).Gelu(); // (N, D)
    }

    /// <inheritdoc/>
    public JsonObject Describe() => new()
    {
        ["type"] = TypeName,
        ["buckets"] = Options.Buckets,
        ["hidden"] = Options.Hidden,
        ["prompt_weight"] = Options.PromptWeight,
    };

    /// <summary>Rebuilds an encoder (weights zero, to be loaded) from its <see cref="Describe"/> output.</summary>
    internal static HashedFeatureEncoder FromConfig(JsonObject config)
    {
        int buckets = (int?)config["buckets"] ?? throw new InvalidDataException("the features encoder config lacks \"buckets\"");
        int hidden = (int?)config["hidden"] ?? throw new InvalidDataException("the features encoder config lacks \"hidden\"");
        double promptWeight = (double?)config["prompt_weight"] ?? 0.5;
        return new HashedFeatureEncoder(new HashedFeatureEncoderOptions { Buckets = buckets, Hidden = hidden, PromptWeight = promptWeight }, new Rng(0));
    }

    private Dictionary<int, int> Features(string text, ulong space, bool bigrams)
    {
        var counts = new Dictionary<int, int>();
        string? previous = null;
        foreach (var word in Words(text))
        {
            Bump(counts, Bucket(word, space));
            if (bigrams && previous is not null) Bump(counts, Bucket(previous + " " + word, space ^ 0x165667b19e3779f9UL));
            previous = word;
        }
        return counts;
    }

    private static void Bump(Dictionary<int, int> counts, int bucket) =>
        counts[bucket] = counts.TryGetValue(bucket, out int c) ? c + 1 : 1;

    private static void AddNormalized(Span<float> row, Dictionary<int, int> counts, double weight)
    {
        double norm = Math.Sqrt(counts.Values.Sum(c => (double)c * c));
        if (norm == 0) return;
        foreach (var (bucket, count) in counts) row[bucket] += (float)(weight * count / norm);
    }

    private int Bucket(string token, ulong space)
    {
        ulong h = 0xcbf29ce484222325UL ^ space; // FNV-1a with a per-space basis
        foreach (byte b in Encoding.UTF8.GetBytes(token)) { h ^= b; h *= 0x100000001b3UL; }
        return (int)(h % (ulong)Options.Buckets);
    }

    private static IEnumerable<string> Words(string text)
    {
        var sb = new StringBuilder();
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            else if (sb.Length > 0) { yield return sb.ToString(); sb.Clear(); }
        }
        if (sb.Length > 0) yield return sb.ToString();
    }
}
