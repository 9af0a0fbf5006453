using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.Preference.Models;

/// <summary>
/// A trainable preference model made of an <see cref="ICompletionEncoder"/> and a head: each distinct
/// (prompt, completion) is encoded once into an embedding e = head(h(x, y)) ∈ R^E, and a pair's logit
/// z(a, b) = f(e_a, e_b) is antisymmetric, so P(a ≻ b) = σ(z) and P(a ≻ b) + P(b ≻ a) = 1.
/// </summary>
/// <remarks>
/// Training minimises the soft-label cross-entropy −[p ln σ(z) + (1 − p) ln σ(−z)] (<see cref="Training.PreferenceTrainer"/>).
/// Saved as <c>config.json</c> (kind, encoder, head sizes) and <c>model.safetensors</c> (every parameter by name).
/// </remarks>
public abstract class NeuralPreferenceModel : IPreferenceModel
{
    /// <summary>The config file name inside a model directory.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The weights file name inside a model directory.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>Items encoded per forward pass at inference.</summary>
    private const int InferenceBatch = 256;

    /// <summary>Wraps <paramref name="encoder"/>.</summary>
    protected NeuralPreferenceModel(ICompletionEncoder encoder) =>
        Encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));

    /// <summary>The text encoder h(x, y).</summary>
    public ICompletionEncoder Encoder { get; }

    /// <summary>The <c>kind</c> written in the config (<c>bt</c> or <c>gpm</c>).</summary>
    public abstract string Kind { get; }

    /// <inheritdoc/>
    public string Name => $"{Kind}-{(string?)Encoder.Describe()["type"]}";

    /// <summary>E, the length of a completion's embedding (1 for a scalar reward).</summary>
    public abstract int EmbeddingSize { get; }

    /// <summary>All trainable parameters: the encoder's, then the head's.</summary>
    public IReadOnlyList<Tensor> Parameters => [.. Encoder.Parameters, .. HeadParameters];

    /// <summary>The head's parameters, each with a unique name.</summary>
    protected abstract IReadOnlyList<Tensor> HeadParameters { get; }

    /// <summary>The head: encoded features [N, D] → embeddings [N, E].</summary>
    protected abstract Tensor Head(Tensor features);

    /// <summary>Pair logits z(a, b) for rows of <paramref name="ea"/> and <paramref name="eb"/> (both [N, E]); returns [N].</summary>
    protected abstract Tensor PairLogits(Tensor ea, Tensor eb);

    /// <summary>The same logit in double precision from two embeddings; must satisfy z(b, a) = −z(a, b) exactly.</summary>
    protected abstract double PairLogit(ReadOnlySpan<float> ea, ReadOnlySpan<float> eb);

    /// <summary>The head's part of the config (sizes, τ).</summary>
    protected abstract JsonObject DescribeHead();

    /// <summary>Embeddings of each item, [N, E], recorded for autograd when grad mode is on.</summary>
    public Tensor Embed(IReadOnlyList<(string Prompt, string Completion)> items) => Head(Encoder.Encode(items));

    /// <summary>Logits z(a, b) of a batch of comparisons, [N], with gradients (one forward pass over the 2N completions).</summary>
    public Tensor Logits(IReadOnlyList<Comparison> comparisons)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        int n = comparisons.Count;
        var items = new (string, string)[2 * n];
        for (int i = 0; i < n; i++)
        {
            items[i] = (comparisons[i].Prompt, comparisons[i].A);
            items[n + i] = (comparisons[i].Prompt, comparisons[i].B);
        }
        var e = Embed(items);                                        // (2N, E)
        return PairLogits(e.Slice(0, 0, n), e.Slice(0, n, n));       // (N)
    }

    /// <summary>
    /// P(a ≻ b | x) = σ(z(a, b)) for each comparison. Each distinct (prompt, completion) is embedded once, so K
    /// completions of a prompt cost K forward passes however many pairs are asked. Exactly skew-symmetric:
    /// P(a ≻ b) + P(b ≻ a) = 1 in floating point (within a call, and across calls asking about the same completions),
    /// and P(a ≻ a) = ½.
    /// </summary>
    public double[] PreferenceProbabilities(IReadOnlyList<Comparison> comparisons)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        // Distinct items in ordinal order, so the same set of completions is always embedded in the same batch layout
        // (a swapped question then reuses bit-identical embeddings even across calls).
        var items = comparisons.SelectMany(c => new[] { (c.Prompt, c.A), (c.Prompt, c.B) }).Distinct()
            .Order(ItemOrder.Instance).ToList();
        var index = new Dictionary<(string, string), int>(items.Count);
        for (int i = 0; i < items.Count; i++) index.Add(items[i], i);
        var pairs = new (int A, int B)[comparisons.Count];
        for (int i = 0; i < comparisons.Count; i++)
            pairs[i] = (index[(comparisons[i].Prompt, comparisons[i].A)], index[(comparisons[i].Prompt, comparisons[i].B)]);
        float[] embeddings = EmbedAll(items);
        int size = EmbeddingSize;
        var p = new double[pairs.Length];
        for (int i = 0; i < pairs.Length; i++)
        {
            double z = PairLogit(embeddings.AsSpan(pairs[i].A * size, size), embeddings.AsSpan(pairs[i].B * size, size));
            p[i] = Sigmoid(z);
        }
        return p;
    }

    /// <summary>Embeds items without gradients, in batches; returns them row-major, [N·E].</summary>
    internal float[] EmbedAll(IReadOnlyList<(string Prompt, string Completion)> items)
    {
        int size = EmbeddingSize;
        var result = new float[items.Count * size];
        using var noGrad = Tensor.NoGrad();
        for (int start = 0; start < items.Count; start += InferenceBatch)
        {
            int count = Math.Min(InferenceBatch, items.Count - start);
            using var scope = new Rebel.Tensors.Memory.TensorScope();
            var batch = new (string, string)[count];
            for (int i = 0; i < count; i++) batch[i] = items[start + i];
            Embed(batch).Contiguous().AsSpan().CopyTo(result.AsSpan(start * size, count * size));
        }
        return result;
    }

    /// <summary>σ(z) computed so that σ(−z) = 1 − σ(z) holds exactly: the branch for z &lt; 0 returns 1 − σ(−z).</summary>
    internal static double Sigmoid(double z) => z >= 0 ? 1.0 / (1.0 + Math.Exp(-z)) : 1.0 - 1.0 / (1.0 + Math.Exp(z));

    /// <summary>
    /// Writes <c>config.json</c> and <c>model.safetensors</c> into <paramref name="directory"/> (created if missing),
    /// each atomically (temporary file, then rename), after the encoder's own files (<see cref="ICompletionEncoder.SaveFiles"/>)
    /// and the weights first, so a config never names missing weights.
    /// </summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        Encoder.SaveFiles(directory);
        var weights = Path.Combine(directory, WeightsFile);
        SafeTensorsWriter.Write(weights, Parameters.Select(t => (t.Name!, t.ShapeArray, (ReadOnlyMemory<float>)t.Contiguous().ToArray()))); // atomic

        var config = new JsonObject
        {
            ["format"] = "rebel-preference-model",
            ["kind"] = Kind,
            ["encoder"] = Encoder.Describe(),
            ["head"] = DescribeHead(),
        };
        var configPath = Path.Combine(directory, ConfigFile);
        AtomicFile.WriteAllText(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Copies every parameter from <paramref name="file"/>, checking names and shapes.</summary>
    internal void LoadWeights(SafeTensorsFile file)
    {
        foreach (var parameter in Parameters)
        {
            if (!file.TryGetInfo(parameter.Name!, out var info))
                throw new InvalidDataException($"{file.Path}: the tensor \"{parameter.Name}\" is missing");
            if (!info.Shape.SequenceEqual(parameter.ShapeArray))
                throw new InvalidDataException($"{file.Path}: \"{parameter.Name}\" has shape [{string.Join(", ", info.Shape)}], the config implies [{string.Join(", ", parameter.ShapeArray)}]");
            file.ReadInto(parameter.Name!, parameter.AsSpan());
        }
    }

    private sealed class ItemOrder : IComparer<(string Prompt, string Completion)>
    {
        public static readonly ItemOrder Instance = new();

        public int Compare((string Prompt, string Completion) x, (string Prompt, string Completion) y)
        {
            int c = string.CompareOrdinal(x.Prompt, y.Prompt);
            return c != 0 ? c : string.CompareOrdinal(x.Completion, y.Completion);
        }
    }
}
