using System.Numerics.Tensors;
using Rebel.Tensors;

namespace Rebel.Models.Generation;

/// <summary>
/// Batched sampling from a causal language model (GPT-2 or Llama family) with its KV cache: each prompt is fed once (prefill), then one token per live
/// sequence per step (decode), so generating n tokens costs O(n) forward rows, not O(n²).
/// </summary>
/// <remarks>
/// Sequences are independent: each has its own length, positions (0 at its first real token) and cache rows, so
/// prompts of different lengths need no padding. A padded batch (left or right padding, or both) is accepted by
/// <see cref="Generate(int[], float[], int, int, GenerationOptions, int)"/>, which drops the padding by its mask.
/// Inference only: nothing is recorded for autograd.
/// </remarks>
public sealed class Generator
{
    private readonly ICausalLanguageModel _model;
    private readonly Func<int[], string>? _decode;

    /// <summary>A generator over <paramref name="model"/>; with <paramref name="decode"/>, results carry their text.</summary>
    public Generator(ICausalLanguageModel model, Func<int[], string>? decode = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _decode = decode;
    }

    /// <summary>Generates one completion per prompt (token ids; each prompt needs at least one id).</summary>
    /// <param name="prompts">The prompts.</param>
    /// <param name="options">Sampling settings.</param>
    /// <param name="firstStream">Index of the first prompt in the caller's list: prompt i samples from its own generator,
    /// seeded <c>Rng.DeriveSeed(Seed, firstStream + i + 1)</c>. A caller that splits a long list into batches passes each
    /// batch's start index, so results do not depend on the split.</param>
    /// <param name="stopIds">Per prompt, the ids that end its sequence (e.g. a chat template's end-of-turn token and the
    /// model's EOS ids), in place of the options' EOS; null: the options' EOS for every prompt.</param>
    /// <exception cref="ArgumentException">An empty prompt, an id outside the vocabulary, a prompt that fills the context, bad options.</exception>
    public IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<int[]> prompts, GenerationOptions options, int firstStream = 0,
        IReadOnlyList<IReadOnlyList<int>>? stopIds = null) =>
        Run(prompts, options, firstStream, mixture: null, 0f, stopIds);

    /// <summary>
    /// Generates from the token-level geometric mixture of this generator's model π and <paramref name="other"/>:
    /// at every step q(·) ∝ π(· | x, y_&lt;k)^(1−w) · π_other(· | x, y_&lt;k)^w with w = <paramref name="otherWeight"/>,
    /// each at temperature τ, i.e. ln q = (1 − w)·ln softmax(z/τ) + w·ln softmax(z_other/τ) − ln Z. Both models run
    /// side by side with their own KV caches. This is Nash-MD's opponent π_t^(1−ηβ)·π_ref^(ηβ) (normalized per token).
    /// The results' <see cref="GeneratedSequence.LogProbs"/> are ln q per token (top-k/top-p apply after mixing).
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Generate(IReadOnlyList{int[]}, GenerationOptions, int, IReadOnlyList{IReadOnlyList{int}})"/>; also a weight
    /// outside [0, 1], τ = 0 (greedy decoding has no mixture), or models with different vocabularies.</exception>
    public IReadOnlyList<GeneratedSequence> GenerateMixture(IReadOnlyList<int[]> prompts, ICausalLanguageModel other, double otherWeight,
        GenerationOptions options, int firstStream = 0, IReadOnlyList<IReadOnlyList<int>>? stopIds = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(options);
        if (!(otherWeight >= 0 && otherWeight <= 1))
            throw new ArgumentException($"Generator: the mixture weight must be in [0, 1], got {otherWeight}.", nameof(otherWeight));
        if (options.Temperature == 0f)
            throw new ArgumentException("Generator: a geometric mixture needs a temperature > 0 (greedy decoding has no distribution to mix).", nameof(options));
        if (other.VocabSize != _model.VocabSize)
            throw new ArgumentException($"Generator: cannot mix models with vocabularies of {_model.VocabSize} and {other.VocabSize} tokens.", nameof(other));
        return Run(prompts, options, firstStream, other, (float)otherWeight, stopIds);
    }

    private IReadOnlyList<GeneratedSequence> Run(IReadOnlyList<int[]> prompts, GenerationOptions options, int firstStream,
        ICausalLanguageModel? mixture, float mixtureWeight, IReadOnlyList<IReadOnlyList<int>>? stopIds)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var config = _model;
        int batch = prompts.Count;
        if (batch == 0) return [];
        int longest = 0;
        for (int i = 0; i < batch; i++)
        {
            var p = prompts[i] ?? throw new ArgumentException($"Generator: prompt {i} is null.", nameof(prompts));
            if (p.Length == 0) throw new ArgumentException($"Generator: prompt {i} is empty; it needs at least one id (e.g. BOS).", nameof(prompts));
            if (p.Length >= config.ContextLength)
                throw new ArgumentException($"Generator: prompt {i} has {p.Length} ids, which leaves no room in the context of {config.ContextLength}.", nameof(prompts));
            foreach (var id in p)
                if ((uint)id >= (uint)config.VocabSize)
                    throw new ArgumentException($"Generator: prompt {i} has token id {id}, outside the vocabulary [0, {config.VocabSize}).", nameof(prompts));
            longest = Math.Max(longest, p.Length);
        }
        // Stop ids: the option's, else every eos id of the model's config (generation_config.json may list several).
        IReadOnlyList<int> eos = !options.StopAtEos ? [] : options.EosTokenId is { } stopId ? [stopId] : config.EosTokenIds;
        if (stopIds is not null && stopIds.Count != batch)
            throw new ArgumentException($"Generator: {stopIds.Count} stop-id lists for {batch} prompts.", nameof(stopIds));
        IReadOnlyList<int> StopsOf(int s) => !options.StopAtEos ? [] : stopIds?[s] ?? eos;
        int capacity = Math.Min(config.ContextLength, longest + options.MaxNewTokens);
        if (mixture is not null)
        {
            if (longest >= mixture.ContextLength)
                throw new ArgumentException($"Generator: a prompt of {longest} ids leaves no room in the mixed model's context of {mixture.ContextLength}.", nameof(prompts));
            capacity = Math.Min(capacity, mixture.ContextLength);
        }
        var forward = _model.CreateDecoder(batch, capacity, packWeights: true);
        var mixed = mixture is null ? null : new MixedForward(mixture.CreateDecoder(batch, capacity, packWeights: true), config.VocabSize, options.Temperature, mixtureWeight);
        // With a mixture the logit rows handed to the sampler are already ln q at temperature τ, so it samples them at τ = 1.
        var sampler = new TokenSampler(mixed is null ? options : options with { Temperature = 1f });
        var rngs = new Rng[batch];
        for (int i = 0; i < batch; i++) rngs[i] = new Rng(Rng.DeriveSeed(options.Seed, (ulong)(firstStream + i + 1)));   // prompt i: stream firstStream + i + 1
        var ids = new List<int>[batch];
        var samplingLogProbs = new List<float>[batch];
        var logProbs = new List<float>[batch];
        var finish = new FinishReason?[batch];
        for (int i = 0; i < batch; i++) { ids[i] = []; samplingLogProbs[i] = []; logProbs[i] = []; }
        var logits = new float[batch * config.VocabSize];

        // Prefill: every prompt token in one call; logits of each prompt's last token.
        int total = prompts.Sum(p => p.Length);
        var rowSequence = new int[total];
        var rowId = new int[total];
        var lastRows = new int[batch];
        for (int i = 0, at = 0; i < batch; i++)
        {
            foreach (var id in prompts[i]) { rowSequence[at] = i; rowId[at] = id; at++; }
            lastRows[i] = at - 1;
        }
        forward.Forward(rowSequence, rowId, lastRows, logits);
        mixed?.Mix(rowSequence, rowId, lastRows, logits);
        var live = Enumerable.Range(0, batch).ToList();

        while (live.Count > 0)
        {
            // Sample the next token of every live sequence from its logits row.
            for (int r = 0; r < live.Count; r++)
            {
                int s = live[r];
                var (token, sampled, logProb) = sampler.Sample(logits.AsSpan(r * config.VocabSize, config.VocabSize), rngs[s]);
                ids[s].Add(token);
                samplingLogProbs[s].Add(sampled);
                logProbs[s].Add(logProb);
                if (StopsOf(s).Contains(token)) finish[s] = FinishReason.Eos;
                else if (ids[s].Count >= options.MaxNewTokens) finish[s] = FinishReason.MaxNewTokens;
                else if (forward.Lengths[s] >= capacity) finish[s] = FinishReason.ContextFull;
            }
            live.RemoveAll(s => finish[s] is not null);
            if (live.Count == 0) break;

            // Decode: feed each live sequence's newest token.
            var sequences = live.ToArray();
            var next = sequences.Select(s => ids[s][^1]).ToArray();
            var rows = Enumerable.Range(0, sequences.Length).ToArray();
            forward.Forward(sequences, next, rows, logits);
            mixed?.Mix(sequences, next, rows, logits);
        }

        var results = new GeneratedSequence[batch];
        for (int i = 0; i < batch; i++)
        {
            var outIds = ids[i].ToArray();
            results[i] = new GeneratedSequence(outIds, [.. samplingLogProbs[i]], [.. logProbs[i]], finish[i]!.Value, _decode?.Invoke(outIds));
        }
        return results;
    }

    /// <summary>
    /// Generates for a padded batch ids [B, T] with mask [B, T] (1 = token, 0 = padding): row b's prompt is its unmasked
    /// ids in order, so left padding, right padding and any mix give the same result as unpadded prompts.
    /// </summary>
    public IReadOnlyList<GeneratedSequence> Generate(int[] ids, float[] mask, int batch, int time, GenerationOptions options, int firstStream = 0)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(mask);
        if (batch <= 0 || time <= 0 || ids.Length != batch * time || mask.Length != ids.Length)
            throw new ArgumentException($"Generator: {ids.Length} ids and a mask of {mask.Length} do not form a [{batch}, {time}] batch.", nameof(ids));
        var prompts = new int[batch][];
        for (int b = 0; b < batch; b++)
        {
            var row = new List<int>(time);
            for (int t = 0; t < time; t++) if (mask[b * time + t] != 0f) row.Add(ids[b * time + t]);
            prompts[b] = [.. row];
        }
        return Generate(prompts, options, firstStream);
    }

    /// <summary>The second model of a geometric mixture, run in lockstep with the first.</summary>
    private sealed class MixedForward(IKvDecoder other, int vocab, float temperature, float weight)
    {
        private float[] _logits = [];

        /// <summary>
        /// Feeds the same rows to the other model and overwrites each logit row z with (1 − w)·z/τ + w·z_other/τ: ln q up
        /// to a constant per row (the two log-softmax normalizers only shift it), which the sampler then normalizes.
        /// </summary>
        public void Mix(ReadOnlySpan<int> sequences, ReadOnlySpan<int> ids, ReadOnlySpan<int> rows, float[] logits)
        {
            int v = vocab, n = rows.Length;
            if (_logits.Length < logits.Length) _logits = new float[logits.Length];
            other.Forward(sequences, ids, rows, _logits);
            for (int r = 0; r < n; r++)
            {
                var mine = logits.AsSpan(r * v, v);
                TensorPrimitives.Multiply(mine, (1f - weight) / temperature, mine);                       // (1 − w)·z/τ
                TensorPrimitives.MultiplyAdd(_logits.AsSpan(r * v, v), weight / temperature, mine, mine); // + w·z_other/τ
            }
        }
    }
}
