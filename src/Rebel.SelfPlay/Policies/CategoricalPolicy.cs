using System.Text.Json;
using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.SelfPlay.Policies;

/// <summary>
/// A tabular policy over a finite set of completions ("actions"), one softmax per prompt ("context"):
/// π(a | x) = softmax(θ_x / T)_a with logits θ of shape [contexts, actions]. Each completion is a single token (its
/// action index), always finished. Useful for finite preference games with prompts and as the smallest real policy
/// the trainer can run.
/// </summary>
public sealed class CategoricalPolicy : IPolicy, IGeometricMixtureSampler
{
    private const string LogitsName = "logits";
    private const string LayoutFile = "categorical_policy.json";
    private const string WeightsFile = "model.safetensors";
    private readonly Dictionary<string, int> _contextIndex;
    private readonly Dictionary<string, int> _actionIndex;
    private readonly bool _frozen;

    /// <summary>A uniform policy (θ = 0) over <paramref name="actions"/> for each of <paramref name="contexts"/>.</summary>
    public CategoricalPolicy(IReadOnlyList<string> contexts, IReadOnlyList<string> actions)
        : this(contexts, actions, Tensor.Zeros(contexts.Count, actions.Count), frozen: false) { }

    private CategoricalPolicy(IReadOnlyList<string> contexts, IReadOnlyList<string> actions, Tensor logits, bool frozen)
    {
        if (contexts.Count == 0 || actions.Count == 0) throw new ArgumentException("A categorical policy needs at least one context and one action.");
        Contexts = contexts.ToArray();
        Actions = actions.ToArray();
        _contextIndex = Index(contexts, "context");
        _actionIndex = Index(actions, "action");
        Logits = logits;
        Logits.Name = LogitsName;
        Logits.RequiresGrad = !frozen;
        _frozen = frozen;
    }

    private static Dictionary<string, int> Index(IReadOnlyList<string> items, string what)
    {
        var index = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
            if (!index.TryAdd(items[i], i)) throw new ArgumentException($"Duplicate {what} \"{items[i]}\".");
        return index;
    }

    /// <summary>The prompts this policy answers.</summary>
    public IReadOnlyList<string> Contexts { get; }

    /// <summary>The completions it chooses among.</summary>
    public IReadOnlyList<string> Actions { get; }

    /// <summary>θ, shape [contexts, actions].</summary>
    public Tensor Logits { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Parameters => _frozen ? [] : [Logits];

    /// <summary>π(· | <paramref name="prompt"/>) at temperature <paramref name="temperature"/>.</summary>
    public float[] Probabilities(string prompt, double temperature = 1.0)
    {
        using var _ = Tensor.NoGrad();
        return Tensor.Embedding(Logits, [ContextOf(prompt)], 1).Scale((float)(1 / temperature)).Softmax(-1).ToArray();
    }

    /// <inheritdoc/>
    public IReadOnlyList<Completion> Sample(IReadOnlyList<string> prompts, int samplesPerPrompt, double temperature, int maxNewTokens, Rng rng)
    {
        var result = new List<Completion>(prompts.Count * samplesPerPrompt);
        foreach (var prompt in prompts)
        {
            var p = Probabilities(prompt, temperature);
            for (int k = 0; k < samplesPerPrompt; k++)
            {
                int a = rng.Categorical(p);
                result.Add(new Completion(prompt, Actions[a], [a], EndsWithEos: true));
            }
        }
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>Exact for a one-token policy: q(· | x) = softmax((1 − w)·ln π(· | x) + w·ln π_other(· | x)), both at temperature T.</remarks>
    public IReadOnlyList<MixtureSample> SampleMixture(IPolicy other, double otherWeight, IReadOnlyList<string> prompts, int samplesPerPrompt,
        double temperature, int maxNewTokens, Rng rng)
    {
        if (other is not CategoricalPolicy partner || !partner.Actions.SequenceEqual(Actions))
            throw new ArgumentException("A categorical policy mixes only with a categorical policy over the same actions.", nameof(other));
        if (!(otherWeight >= 0 && otherWeight <= 1)) throw new ArgumentException($"The mixture weight must be in [0, 1], got {otherWeight}.", nameof(otherWeight));
        var result = new List<MixtureSample>(prompts.Count * samplesPerPrompt);
        foreach (var prompt in prompts)
        {
            var logQ = LogProbabilities(prompt, temperature);
            var theirs = partner.LogProbabilities(prompt, temperature);
            for (int a = 0; a < logQ.Length; a++) logQ[a] = (1 - otherWeight) * logQ[a] + otherWeight * theirs[a]; // (1 − w) ln π + w ln π_other
            SoftmaxMath.Normalize(logQ);                                                                            // − ln Z: ln q
            var q = logQ.Select(v => (float)Math.Exp(v)).ToArray();
            for (int k = 0; k < samplesPerPrompt; k++)
            {
                int a = rng.Categorical(q);
                result.Add(new MixtureSample(new Completion(prompt, Actions[a], [a], EndsWithEos: true), logQ[a]));
            }
        }
        return result;
    }

    // ln π(· | x) at temperature T, in double: ln softmax(θ_x / T)
    private double[] LogProbabilities(string prompt, double temperature)
    {
        var row = Logits.AsSpan().Slice(ContextOf(prompt) * Actions.Count, Actions.Count);
        var scaled = new double[row.Length];
        for (int a = 0; a < row.Length; a++) scaled[a] = row[a] / temperature;
        SoftmaxMath.LogSoftmax(scaled, scaled);
        return scaled;
    }

    /// <inheritdoc/>
    public Tensor LogProbs(IReadOnlyList<Completion> completions, double temperature)
    {
        var contexts = completions.Select(c => ContextOf(c.Prompt)).ToArray();
        var actions = completions.Select(c => c.Tokens.Length == 1 && (uint)c.Tokens[0] < (uint)Actions.Count
            ? c.Tokens[0]
            : throw new ArgumentException($"Completion \"{c.Text}\" is not one of this policy's {Actions.Count} actions.")).ToArray();
        var rows = Tensor.Embedding(Logits, contexts, contexts.Length);               // θ_x, [N, A]
        return rows.Scale((float)(1 / temperature)).LogSoftmax(-1).GatherLast(actions); // ln softmax(θ_x / T)_a, [N]
    }

    /// <inheritdoc/>
    public Completion Encode(string prompt, string text)
    {
        ContextOf(prompt);
        if (!_actionIndex.TryGetValue(text, out var a)) throw new ArgumentException($"\"{text}\" is not one of this policy's actions.");
        return new Completion(prompt, text, [a], EndsWithEos: true);
    }

    /// <inheritdoc/>
    public IPolicy Snapshot() => new CategoricalPolicy(Contexts, Actions, Logits.Detach(), frozen: true);

    /// <inheritdoc/>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, LayoutFile), JsonSerializer.Serialize(new { contexts = Contexts, actions = Actions }));
        SafeTensorsWriter.Write(Path.Combine(directory, WeightsFile), [(LogitsName, Logits.ShapeArray, (ReadOnlyMemory<float>)Logits.ToArray())]);
    }

    /// <summary>Loads a policy written by <see cref="Save"/>.</summary>
    public static CategoricalPolicy Load(string directory)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, LayoutFile)));
        var contexts = doc.RootElement.GetProperty("contexts").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var actions = doc.RootElement.GetProperty("actions").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var policy = new CategoricalPolicy(contexts, actions);
        policy.LoadParameters(directory);
        return policy;
    }

    /// <inheritdoc/>
    public void LoadParameters(string directory)
    {
        using var file = SafeTensorsFile.Open(Path.Combine(directory, WeightsFile));
        var values = file.ReadFloat32(LogitsName);
        if (values.Length != Logits.Size)
            throw new InvalidDataException($"{directory}: logits have {values.Length} values, this policy needs {Logits.Size}.");
        values.CopyTo(Logits.AsSpan());
    }

    private int ContextOf(string prompt) =>
        _contextIndex.TryGetValue(prompt, out var c) ? c : throw new ArgumentException($"Prompt \"{prompt}\" is not one of this policy's contexts.");
}
