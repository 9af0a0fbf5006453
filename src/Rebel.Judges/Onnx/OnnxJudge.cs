using System.Globalization;
using Rebel.Models.Chat;
using Rebel.Models.Data;
using Rebel.Models.Tokenization;
using Rebel.Preference;

namespace Rebel.Judges.Onnx;

/// <summary>
/// A judge backed by a reward or preference model exported to ONNX (spec <c>onnx:DIR</c>): a folder holding
/// <c>model.onnx</c>, <c>judge.json</c> (<see cref="OnnxJudgeOptions"/>) and the model's tokenizer files.
/// </summary>
/// <remarks>
/// <para><b>Reward</b> models score each distinct (x, y) once: P(a ≻ b | x) = σ((s(x, a) − s(x, b)) / τ). Transitive and
/// exactly skew-symmetric.</para>
/// <para><b>Pairwise</b> models read (x, a, b) and give a logit z; P = σ(z(x, a, b) / τ), or by default the symmetrised
/// ½(σ(z(x, a, b) / τ) + 1 − σ(z(x, b, a) / τ)), which cancels a preference for either position.</para>
/// <para><b>Length.</b> An input longer than <c>max_length</c> tokens loses code points from the left of its prompt
/// (the fewest that bring it within the limit); one whose prompt is gone and is still too long keeps its first
/// <c>max_length</c> tokens. Each verdict's rationale says how many of its inputs were cut, and
/// <see cref="TruncatedInputs"/> counts them over the judge's life.</para>
/// <para><b>Failures.</b> A non-finite model output raises <see cref="JudgeException"/>; it never becomes ½.</para>
/// <para><b>Identity.</b> <see cref="Id"/> is <c>onnx:</c> and the first 16 hex digits of the SHA-256 over the
/// folder's files (model, judge.json, tokenizer), so caches and resumed runs notice a changed model.</para>
/// </remarks>
public sealed class OnnxJudge : IPairwiseJudge
{
    /// <summary>The model's file name in a judge folder.</summary>
    public const string ModelFile = "model.onnx";

    private readonly OnnxRowScorer _scorer;
    private readonly ITokenizer _tokenizer;
    private readonly ChatTemplate? _chatTemplate;
    private readonly JudgeTemplate _template;
    private long _truncated;

    private OnnxJudge(OnnxRowScorer scorer, ITokenizer tokenizer, ChatTemplate? chatTemplate, OnnxJudgeOptions options, string id)
    {
        _scorer = scorer;
        _tokenizer = tokenizer;
        _chatTemplate = chatTemplate;
        Options = options;
        Id = id;
        _template = new JudgeTemplate(options.Template, options.Kind == OnnxJudgeKind.Reward ? ["prompt", "completion"] : ["prompt", "a", "b"]);
    }

    /// <summary>The settings read from <c>judge.json</c>.</summary>
    public OnnxJudgeOptions Options { get; }

    /// <inheritdoc/>
    public string Id { get; }

    /// <summary>How many model inputs were cut to <c>max_length</c> so far.</summary>
    public long TruncatedInputs => Interlocked.Read(ref _truncated);

    /// <summary>Loads the judge folder <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException"><c>judge.json</c>, <c>model.onnx</c> or the tokenizer is missing.</exception>
    /// <exception cref="InvalidDataException">judge.json is malformed, or the model's inputs or outputs do not match it (the message lists the model's real ones).</exception>
    /// <exception cref="PlatformNotSupportedException">The cuda provider was asked for and cannot load (the message names the missing library).</exception>
    public static OnnxJudge Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: onnx judge folder not found");
        var options = OnnxJudgeOptions.Read(Path.Combine(directory, OnnxJudgeOptions.FileName));
        var modelPath = Path.Combine(directory, ModelFile);
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"{modelPath}: not found (an onnx: judge folder needs {ModelFile})", modelPath);
        var tokenizer = TokenizerFiles.Load(directory);
        var chatTemplate = options.ChatTemplate ? ChatTemplate.Load(directory) : null;
        var id = $"onnx:{ContentHash.Short(ContentHash.OfDirectory(directory))}";
        return new OnnxJudge(new OnnxRowScorer(modelPath, options), tokenizer, chatTemplate, options, id);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => Options.Kind == OnnxJudgeKind.Reward
            ? JudgeByReward(comparisons, cancellationToken)
            : JudgeByLogit(comparisons, cancellationToken), cancellationToken);
    }

    /// <summary>The model's raw output s(x, y) for each (prompt, completion) (reward judges).</summary>
    /// <exception cref="InvalidOperationException">This is a pairwise judge.</exception>
    public double[] Scores(IReadOnlyList<(string Prompt, string Completion)> items, CancellationToken cancellationToken = default)
    {
        if (Options.Kind != OnnxJudgeKind.Reward) throw new InvalidOperationException($"judge {Id} is pairwise; it has no per-completion score");
        return _scorer.Score(items.Select(i => Encode(i.Prompt, p => RenderReward(p, i.Completion), out _)).ToList(), cancellationToken);
    }

    /// <summary>The model's raw logit z(x, a, b) for each (prompt, a, b) in the order given (pairwise judges).</summary>
    /// <exception cref="InvalidOperationException">This is a reward judge.</exception>
    public double[] Logits(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        if (Options.Kind != OnnxJudgeKind.Pairwise) throw new InvalidOperationException($"judge {Id} is a reward judge; it has no pairwise logit");
        return _scorer.Score(comparisons.Select(c => Encode(c.Prompt, p => RenderPair(p, c.A, c.B), out _)).ToList(), cancellationToken);
    }

    private IReadOnlyList<Verdict> JudgeByReward(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken)
    {
        // Each distinct (prompt, completion) is one model row.
        var slotOf = new Dictionary<(string, string), int>();
        var rows = new List<int[]>();
        var cut = new List<bool>();
        var slots = new (int A, int B)[comparisons.Count];
        for (int i = 0; i < comparisons.Count; i++)
            slots[i] = (Slot(comparisons[i].Prompt, comparisons[i].A), Slot(comparisons[i].Prompt, comparisons[i].B));
        var s = _scorer.Score(rows, cancellationToken);

        var verdicts = new Verdict[comparisons.Count];
        for (int i = 0; i < verdicts.Length; i++)
        {
            var (a, b) = slots[i];
            if (!double.IsFinite(s[a]) || !double.IsFinite(s[b]))
                throw new JudgeException(Id, i, comparisons[i], $"the model returned a non-finite score (s_a = {s[a]}, s_b = {s[b]})");
            double p = Sigmoid((s[a] - s[b]) / Options.Temperature);                       // P = σ((s_a − s_b) / τ)
            verdicts[i] = new Verdict(p, rationale: Rationale($"s_a = {F(s[a])}, s_b = {F(s[b])}", (cut[a] ? 1 : 0) + (cut[b] ? 1 : 0)));
        }
        return verdicts;

        int Slot(string prompt, string completion)
        {
            if (slotOf.TryGetValue((prompt, completion), out int k)) return k;
            rows.Add(Encode(prompt, p => RenderReward(p, completion), out bool truncated));
            cut.Add(truncated);
            return slotOf[(prompt, completion)] = rows.Count - 1;
        }
    }

    private IReadOnlyList<Verdict> JudgeByLogit(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken)
    {
        int n = comparisons.Count, orders = Options.Symmetrize ? 2 : 1;
        var rows = new int[n * orders][];
        var cut = new bool[n * orders];
        for (int i = 0; i < n; i++)
        {
            var c = comparisons[i];
            rows[i] = Encode(c.Prompt, p => RenderPair(p, c.A, c.B), out cut[i]);
            if (orders == 2) rows[n + i] = Encode(c.Prompt, p => RenderPair(p, c.B, c.A), out cut[n + i]);
        }
        var z = _scorer.Score(rows, cancellationToken);

        var verdicts = new Verdict[n];
        for (int i = 0; i < n; i++)
        {
            double forward = z[i], backward = orders == 2 ? z[n + i] : 0;
            if (!double.IsFinite(forward) || !double.IsFinite(backward))
                throw new JudgeException(Id, i, comparisons[i], $"the model returned a non-finite logit ({forward}{(orders == 2 ? $", swapped {backward}" : "")})");
            double p = orders == 2
                ? 0.5 * (Sigmoid(forward / Options.Temperature) + 1 - Sigmoid(backward / Options.Temperature)) // ½(σ(z_ab) + 1 − σ(z_ba))
                : Sigmoid(forward / Options.Temperature);                                                      // σ(z_ab / τ)
            int truncated = (cut[i] ? 1 : 0) + (orders == 2 && cut[n + i] ? 1 : 0);
            verdicts[i] = new Verdict(p, rationale: Rationale(orders == 2 ? $"z_ab = {F(forward)}, z_ba = {F(backward)}" : $"z = {F(forward)}", truncated));
        }
        return verdicts;
    }

    private string RenderReward(string prompt, string completion) =>
        _chatTemplate is { } chat
            ? chat.Render([new ChatMessage("user", prompt), new ChatMessage("assistant", completion)], addGenerationPrompt: false)
            : _template.Render(new Dictionary<string, string> { ["prompt"] = prompt, ["completion"] = completion });

    private string RenderPair(string prompt, string a, string b) =>
        _template.Render(new Dictionary<string, string> { ["prompt"] = prompt, ["a"] = a, ["b"] = b });

    /// <summary>
    /// The ids of <paramref name="render"/>(prompt), with the fewest code points dropped from the prompt's left that
    /// fit <c>max_length</c> (found by bisection: fewer prompt characters never means more tokens here).
    /// </summary>
    private int[] Encode(string prompt, Func<string, string> render, out bool truncated)
    {
        var ids = _tokenizer.Encode(render(prompt));
        truncated = ids.Length > Options.MaxLength;
        if (!truncated) return ids;
        Interlocked.Increment(ref _truncated);

        var starts = CodePointStarts(prompt);                                // candidate cut points, ascending
        int lo = 1, hi = starts.Count - 1;                                  // drop j code points: j in [lo, hi]
        int[]? best = null;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            var candidate = _tokenizer.Encode(render(prompt[starts[mid]..]));
            if (candidate.Length <= Options.MaxLength)
            {
                best = candidate;
                hi = mid - 1;
            }
            else lo = mid + 1;
        }
        return best ?? _tokenizer.Encode(render(""))[..Options.MaxLength];
    }

    /// <summary>The UTF-16 index where each code point of <paramref name="text"/> starts, then text.Length.</summary>
    private static List<int> CodePointStarts(string text)
    {
        var starts = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1) starts.Add(i);
        starts.Add(text.Length);
        return starts;
    }

    private static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    private static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    private static string Rationale(string values, int truncated) =>
        truncated == 0 ? values : $"{values}; {truncated} input(s) truncated to max_length";

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _scorer.Dispose();
}
