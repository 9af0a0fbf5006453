using System.Text.Json.Nodes;
using Rebel.Judges;
using Rebel.Models.Data;
using Rebel.Preference;
using Rebel.SelfPlay.Resume;
using Rebel.SelfPlay.Tournaments;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Evaluation;

public static partial class WinRateEvaluator
{
    /// <summary>
    /// Runs (or resumes) an evaluation whose state lives in <paramref name="directory"/>: like
    /// <see cref="EvaluateAsync(ITournamentPlayer, ITournamentPlayer, IReadOnlyList{string}, IPairwiseJudge, WinRateOptions?, CancellationToken)"/>,
    /// but each side's texts are saved before judging and each judged batch is appended to <c>verdicts.jsonl</c> and
    /// flushed to disk as it returns. Run again over the same directory with the same settings, it loads the saved texts
    /// (no sampling) and verdicts and judges only the missing pairs, so the result (and <see cref="WinRateReport.Write"/>'s
    /// files) equals that of an uninterrupted run; a finished run is re-summarized without any judge call.
    /// </summary>
    /// <remarks>
    /// The run is defined by <c>run.json</c>, written on the first run: policy and reference names and fingerprints
    /// (<see cref="ITournamentPlayer.Fingerprint"/>: a swapped model or completion file is noticed), judge id, samples,
    /// seed, temperature, max new tokens, the prompt count and the SHA-256 of the prompt texts, plus the keys of
    /// <paramref name="settings"/> (e.g. the paths the two sides came from). Batching and concurrency are not part of it.
    /// A torn last line of <c>verdicts.jsonl</c> (a kill mid-write) is cut off and its pairs judged again.
    /// <see cref="WinRateResult.Resumed"/> counts the verdicts that were loaded rather than judged.
    /// </remarks>
    /// <exception cref="ArgumentException">No prompts, or a player returned the wrong number of completions.</exception>
    /// <exception cref="TournamentException">The directory holds a run with other settings (the message names the first differing key), or a player cannot answer a prompt.</exception>
    /// <exception cref="DataFormatException">A saved file has a bad line that is not a torn last line; the message names file and line.</exception>
    /// <exception cref="JudgeException">The judge failed; the message names the prompt and sample and says how many verdicts are saved.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; what was judged stays saved.</exception>
    public static async Task<WinRateResult> RunAsync(ITournamentPlayer policy, ITournamentPlayer reference, IReadOnlyList<string> prompts,
        IPairwiseJudge judge, string directory, WinRateOptions? options = null, JsonObject? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options = Checked(prompts, judge, options);
        int n = options.Samples, total = prompts.Count * n;
        var header = RunHeader.Settings(judge.Id, n, options.Seed, prompts,
            leading: new JsonObject
            {
                ["policy"] = policy.Name, ["reference"] = reference.Name,
                ["policy_sha256"] = policy.Fingerprint, ["reference_sha256"] = reference.Fingerprint,   // who they are, by content
            },
            sampling: new JsonObject { ["temperature"] = options.Temperature, ["max_new_tokens"] = options.MaxNewTokens });
        if (settings is not null)
            foreach (var (key, value) in settings) header[key] = value?.DeepClone();

        using var store = WinRateStore.Open(directory, header);
        // phase 1: both sides' texts, loaded when an earlier run saved them, else sampled and saved
        var mine = Side(store, "policy", policy, prompts, n, Rng.DeriveSeed(options.Seed, PolicyStream), cancellationToken);        // y ~ π(· | x)
        var theirs = Side(store, "reference", reference, prompts, n, Rng.DeriveSeed(options.Seed, ReferenceStream), cancellationToken); // y′ ~ π_ref(· | x)

        // phases 2 and 3: judge the pairs no earlier run judged, saving each batch as it returns; summarize them all
        var p = new double[total];
        var saved = store.SavedVerdicts(prompts, mine, theirs, n);
        foreach (var (i, value) in saved) p[i] = value;
        var missing = Enumerable.Range(0, total).Where(i => !saved.ContainsKey(i)).ToArray();
        int judged = 0;
        try
        {
            var result = await JudgeAndSummarizeAsync(prompts, mine, theirs, p, missing, judge, options, batch =>
            {
                store.Append(batch.Select(i => new WinRateVerdict(i / n, i % n, prompts[i / n], mine[i], theirs[i], p[i])));
                Interlocked.Add(ref judged, batch.Length);
            }, cancellationToken).ConfigureAwait(false);
            return result with { Resumed = saved.Count };
        }
        catch (JudgeException e)
        {
            var reason = $"{e.Reason}; {saved.Count + judged} of {total} verdicts are saved in {store.VerdictsPath}, rerun to resume";
            throw e.Index >= 0 && e.Index < total
                ? new JudgeException(e.JudgeId, e.Index, PairAt(prompts, mine, theirs, n, e.Index), reason, e)
                : new JudgeException(e.JudgeId, reason, e);
        }
    }

    // the checks every entry point makes once: prompts and judge given, the options valid, at least one prompt
    private static WinRateOptions Checked(IReadOnlyList<string> prompts, IPairwiseJudge judge, WinRateOptions? options)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(judge);
        options = (options ?? new WinRateOptions()).Validate();
        if (prompts.Count == 0) throw new ArgumentException("a win-rate evaluation needs at least one prompt", nameof(prompts));
        return options;
    }

    // both players answer every prompt n times (policy stream 1, reference stream 2), then every pair is judged
    private static Task<WinRateResult> EvaluateCheckedAsync(ITournamentPlayer policy, ITournamentPlayer reference, IReadOnlyList<string> prompts,
        IPairwiseJudge judge, WinRateOptions options, CancellationToken cancellationToken)
    {
        var mine = policy.Complete(prompts, options.Samples, Rng.DeriveSeed(options.Seed, PolicyStream));       // y ~ π(· | x)
        var theirs = reference.Complete(prompts, options.Samples, Rng.DeriveSeed(options.Seed, ReferenceStream));  // y′ ~ π_ref(· | x)
        return JudgeCheckedAsync(prompts, mine, theirs, judge, options, cancellationToken);
    }

    // judges every pair of two complete lists of K·n completions (checked here) and summarizes
    private static async Task<WinRateResult> JudgeCheckedAsync(IReadOnlyList<string> prompts, IReadOnlyList<string> completions,
        IReadOnlyList<string> referenceCompletions, IPairwiseJudge judge, WinRateOptions options, CancellationToken cancellationToken)
    {
        int n = options.Samples, total = prompts.Count * n;
        if (completions.Count != total)
            throw new ArgumentException($"{completions.Count} policy completions for {prompts.Count} prompts × {n} samples (expected {total})", nameof(completions));
        if (referenceCompletions.Count != total)
            throw new ArgumentException($"{referenceCompletions.Count} reference completions for {prompts.Count} prompts × {n} samples (expected {total})", nameof(referenceCompletions));
        return await JudgeAndSummarizeAsync(prompts, completions, referenceCompletions, new double[total], Enumerable.Range(0, total).ToArray(),
            judge, options, onJudged: null, cancellationToken).ConfigureAwait(false);
    }

    // The judging core of every path: judges the pairs at indices (i = k·n + s, prompt-major), writes each verdict into
    // p[i] and hands each judged batch's indices to onJudged (a resumable run saves them there), then summarizes all K·n
    // verdicts (p holds the ones not in indices already).
    private static async Task<WinRateResult> JudgeAndSummarizeAsync(IReadOnlyList<string> prompts, IReadOnlyList<string> completions,
        IReadOnlyList<string> referenceCompletions, double[] p, int[] indices, IPairwiseJudge judge, WinRateOptions options,
        Action<int[]>? onJudged, CancellationToken cancellationToken)
    {
        int n = options.Samples;
        var comparisons = new Comparison[p.Length];
        for (int i = 0; i < comparisons.Length; i++) comparisons[i] = PairAt(prompts, completions, referenceCompletions, n, i);
        await JudgeBatchesAsync(comparisons, indices, n, judge, options, (batch, verdicts) =>
        {
            for (int j = 0; j < batch.Length; j++) p[batch[j]] = verdicts[j].P;
            onJudged?.Invoke(batch);
        }, cancellationToken).ConfigureAwait(false);
        var all = new WinRateVerdict[p.Length];
        for (int i = 0; i < p.Length; i++) all[i] = new WinRateVerdict(i / n, i % n, prompts[i / n], completions[i], referenceCompletions[i], p[i]);
        return SummarizeChecked(all, options);
    }

    // a side's texts, loaded when an earlier run saved them, else generated and saved
    private static string[] Side(WinRateStore store, string side, ITournamentPlayer player, IReadOnlyList<string> prompts, int samples,
        ulong seed, CancellationToken cancellationToken) =>
        store.LoadOrComplete(side, player, prompts, samples, seed, count => new ArgumentException(
            $"the {side} ({player.Name}) returned {count} completions for {prompts.Count} prompts × {samples} samples", nameof(prompts)), cancellationToken);

    // pair i = k·n + s: prompt k, the policy's sample s (shown as a) against the reference's sample s (b)
    private static Comparison PairAt(IReadOnlyList<string> prompts, IReadOnlyList<string> completions, IReadOnlyList<string> referenceCompletions,
        int n, int i) => new(prompts[i / n], completions[i], referenceCompletions[i]);

    // Judges comparisons[indices] in batches of BatchSize with at most Concurrency calls in flight; onBatch receives each
    // batch's indices and verdicts as it returns (possibly concurrently). The first failure stops the batches still waiting.
    private static Task JudgeBatchesAsync(Comparison[] comparisons, int[] indices, int n, IPairwiseJudge judge, WinRateOptions options,
        Action<int[], IReadOnlyList<Verdict>> onBatch, CancellationToken cancellationToken) =>
        BoundedBatches.RunAsync(indices.Chunk(options.BatchSize), options.Concurrency, async (batch, ct) =>
        {
            var items = batch.Select(i => comparisons[i]).ToArray();
            IReadOnlyList<Verdict> verdicts;
            try
            {
                verdicts = await judge.JudgeAsync(items, ct).ConfigureAwait(false);
            }
            catch (JudgeException e) when (e.Index >= 0 && e.Index < batch.Length)
            {
                int i = batch[e.Index];
                throw new JudgeException(e.JudgeId, i, comparisons[i], $"{e.Reason} (prompt {i / n}, sample {i % n})", e);
            }
            if (verdicts.Count != batch.Length)
                throw new JudgeException(judge.Id, $"returned {verdicts.Count} verdicts for {batch.Length} comparisons (prompts {batch[0] / n} to {batch[^1] / n})");
            onBatch(batch, verdicts);
        }, cancellationToken);
}
