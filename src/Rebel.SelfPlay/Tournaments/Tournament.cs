using System.Diagnostics;
using Rebel.Judges;
using Rebel.Preference;
using Rebel.Preference.Statistics;
using Rebel.Preference.Tournaments;
using Rebel.SelfPlay.Resume;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// Plays a tournament: every player answers every prompt n times, the judge compares sample s of player i with
/// sample s of player j on each prompt (all pairs i &lt; j, or every player against an anchor), and the verdicts
/// are analysed (<see cref="TournamentAnalysis"/>). Runs in phases: generate → schedule → judge → analyse.
/// </summary>
/// <remarks>
/// <para><b>Resuming.</b> Generated texts and every judged batch are saved in the output directory as they are
/// produced (<c>completions/</c>, <c>verdicts.jsonl</c>, flushed to disk per batch). A run over the same directory,
/// players, prompts, judge, samples and seed loads them and judges only the missing games, so its final results
/// equal those of an uninterrupted run and no game is judged twice. Players are recognised by content
/// (<see cref="ITournamentPlayer.Fingerprint"/>): a changed completion file or model under a known name is refused
/// until the saved run is discarded (<see cref="Discard"/>); a new player joins and plays only its own games.</para>
/// <para><b>Concurrency.</b> Games are sent to the judge in batches of <see cref="TournamentOptions.BatchSize"/>, with
/// at most <see cref="TournamentOptions.Concurrency"/> calls in flight. The results do not depend on the order in
/// which batches finish: games are analysed in canonical order.</para>
/// <para><b>Failures.</b> A judge failure stops the tournament with a <see cref="TournamentException"/> naming the
/// game; the batches judged before it stay saved and a rerun resumes from them. Cancellation stops it the same way
/// (with <see cref="OperationCanceledException"/>).</para>
/// </remarks>
public static class Tournament
{
    /// <summary>Stream of the tournament seed that the bootstrap over prompts resamples with; each player samples from
    /// the stream numbered by the hash of its name.</summary>
    internal const ulong BootstrapStream = 1;

    /// <summary>Runs (or resumes) a tournament whose state lives in <paramref name="directory"/>.</summary>
    /// <exception cref="TournamentException">Bad players or anchor, saved state from other settings, a player that cannot answer, or a judge failure.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; what was judged stays saved.</exception>
    public static async Task<TournamentResult> RunAsync(IReadOnlyList<ITournamentPlayer> players, IReadOnlyList<string> prompts, IPairwiseJudge judge,
        string directory, TournamentOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(players);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(judge);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options = (options ?? new TournamentOptions()).Validate();
        if (players.Count < 2) throw new TournamentException($"a tournament needs at least 2 players, got {players.Count}");
        if (prompts.Count == 0) throw new TournamentException("a tournament needs at least one prompt");
        var names = players.Select(p => p.Name).ToArray();
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new TournamentException($"two players are named \"{duplicate.Key}\"");
        int? anchor = null;
        if (options.Anchor is not null)
        {
            int a = Array.IndexOf(names, options.Anchor);
            if (a < 0) throw new TournamentException($"the anchor \"{options.Anchor}\" is not a player; players are {string.Join(", ", names)}");
            anchor = a;
        }

        using var store = TournamentStore.Open(directory, judge.Id, prompts, options.Samples, options.Seed, players);
        long start = Stopwatch.GetTimestamp();
        var texts = Generate(players, prompts, options, store, cancellationToken);
        double generate = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var schedule = Schedule(names.Length, prompts.Count, options.Samples, anchor);
        var missing = schedule.Where(m => !store.Saved.ContainsKey(Named(m, names))).ToList();
        start = Stopwatch.GetTimestamp();
        int calls = await JudgeAsync(missing, names, prompts, texts, judge, store, options, cancellationToken);
        double judging = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var games = schedule.Select(m => (m, store.Saved[Named(m, names)])).ToList();
        start = Stopwatch.GetTimestamp();
        var result = Analyse(names, prompts.Count, options, anchor, games, missing.Count, calls);
        return result with { Timings = new TournamentTimings(generate, judging, Stopwatch.GetElapsedTime(start).TotalSeconds) };
    }

    /// <summary>Where a tournament in <paramref name="directory"/> saves <paramref name="player"/>'s completions (JSON Lines
    /// <c>{"prompt", "sample", "completion"}</c>): a file name of its own even for names that differ only in punctuation or case.</summary>
    public static string CompletionsPath(string directory, string player) => TournamentStore.CompletionsFile(directory, player);

    /// <summary>Discards the tournament saved in <paramref name="directory"/> (state, completions and reports; other files
    /// stay), so the next run starts afresh — e.g. after a player changed (<c>--overwrite</c>).</summary>
    public static void Discard(string directory) => TournamentStore.Discard(directory);

    /// <summary>Whether <paramref name="directory"/> holds a tournament in which a player of one of these names had other
    /// content (<see cref="ITournamentPlayer.Fingerprint"/>), so that resuming it would be refused.</summary>
    public static bool HoldsOtherPlayers(string directory, IReadOnlyList<ITournamentPlayer> players) => TournamentStore.HoldsOtherPlayers(directory, players);

    /// <summary>The games of a schedule in canonical order (prompt, sample, first, second): all i &lt; j, or (i, anchor) for i ≠ anchor.</summary>
    public static IReadOnlyList<MatchKey> Schedule(int players, int prompts, int samples, int? anchor)
    {
        var games = new List<MatchKey>();
        for (int k = 0; k < prompts; k++)
            for (int s = 0; s < samples; s++)
                for (int i = 0; i < players; i++)
                    for (int j = i + 1; j < players; j++)
                        if (anchor is not int a || i == a || j == a) games.Add(new MatchKey(i, j, k, s));
        return games;
    }

    private static (string, string, int, int) Named(MatchKey m, string[] names) => (names[m.First], names[m.Second], m.Prompt, m.Sample);

    // phase 1: every player's texts, loaded when saved by an earlier run, else generated and saved
    private static string[][] Generate(IReadOnlyList<ITournamentPlayer> players, IReadOnlyList<string> prompts, TournamentOptions options,
        TournamentStore store, CancellationToken cancellationToken)
    {
        var texts = new string[players.Count][];
        for (int i = 0; i < players.Count; i++)
        {
            var player = players[i];
            texts[i] = store.LoadOrComplete(player, prompts, options.Samples, Rng.DeriveSeed(options.Seed, NameHash(player.Name)), count =>
                new TournamentException($"player {player.Name} returned {count} completions for {prompts.Count} prompts × {options.Samples} samples"),
                cancellationToken);
        }
        return texts;
    }

    // phase 2: judge the missing games in batches, at most Concurrency calls at once, saving each batch as it returns
    private static async Task<int> JudgeAsync(List<MatchKey> missing, string[] names, IReadOnlyList<string> prompts, string[][] texts,
        IPairwiseJudge judge, TournamentStore store, TournamentOptions options, CancellationToken cancellationToken)
    {
        if (missing.Count == 0) return 0;
        int calls = 0;
        try
        {
            await BoundedBatches.RunAsync(missing.Chunk(options.BatchSize), options.Concurrency, async (batch, ct) =>
            {
                var comparisons = batch.Select(m => new Comparison(prompts[m.Prompt],
                    texts[m.First][m.Prompt * options.Samples + m.Sample], texts[m.Second][m.Prompt * options.Samples + m.Sample])).ToArray();
                Interlocked.Increment(ref calls);
                IReadOnlyList<Verdict> verdicts;
                try
                {
                    verdicts = await judge.JudgeAsync(comparisons, ct).ConfigureAwait(false);
                }
                catch (JudgeException e)
                {
                    var where = e.Index >= 0 && e.Index < batch.Length ? Describe(batch[e.Index], names) : $"a batch of {batch.Length} games starting with {Describe(batch[0], names)}";
                    throw new TournamentException($"the judge failed on {where}: {e.Message}", e);
                }
                if (verdicts.Count != batch.Length)
                    throw new TournamentException($"judge {judge.Id} returned {verdicts.Count} verdicts for {batch.Length} games");
                store.Append(batch.Select((m, b) => (names[m.First], names[m.Second], m.Prompt, m.Sample, verdicts[b].P)).ToArray());
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (TournamentException te)
        {
            throw new TournamentException($"{te.Message} ({store.Saved.Count} verdicts are saved in {store.VerdictsPath}; rerun to resume)", te.InnerException);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new TournamentException($"judging stopped: {e.Message}", e);
        }
        return calls;
    }

    private static string Describe(MatchKey m, string[] names) =>
        $"{names[m.First]} vs {names[m.Second]}, prompt {m.Prompt}, sample {m.Sample}";

    // phase 3: per-prompt results → analysis with prompt-bootstrap intervals; online Elo in canonical order
    private static TournamentResult Analyse(string[] names, int prompts, TournamentOptions options, int? anchor,
        List<(MatchKey Key, double P)> games, int judged, int calls)
    {
        var outcomes = games.Select(g => new GameOutcome(g.Key.First, g.Key.Second, g.P)).ToArray();
        var perPrompt = games.GroupBy(g => g.Key.Prompt).OrderBy(g => g.Key)
            .Select(g => PairwiseResults.FromGames(names.Length, g.Select(x => new GameOutcome(x.Key.First, x.Key.Second, x.P)), names))
            .ToArray();
        var analysisOptions = new TournamentAnalysisOptions
        {
            Anchor = anchor,
            AnchorRating = options.AnchorRating,
            Bootstrap = options.BootstrapResamples == 0 || prompts < 2
                ? null
                : new BootstrapOptions { Resamples = options.BootstrapResamples, Seed = Rng.DeriveSeed(options.Seed, BootstrapStream) },
        };
        var analysis = TournamentAnalysis.Compute(perPrompt, analysisOptions);
        var elo = Preference.Tournaments.OnlineElo.Run(names.Length, outcomes, new OnlineEloOptions { InitialRating = options.AnchorRating });
        return new TournamentResult(names, prompts, options.Samples, anchor, analysis, elo, games, judged, calls);
    }

    // FNV-1a of the name, a player's stream number: its sampling seed does not depend on its position in --players
    private static ulong NameHash(string name)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in name) h = (h ^ c) * 1099511628211UL;
        return h;
    }
}
