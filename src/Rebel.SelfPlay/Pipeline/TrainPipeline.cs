using System.Diagnostics;
using System.Globalization;
using Rebel.Judges;
using Rebel.Judges.Models;
using Rebel.Judges.Spec;
using Rebel.Models.Data;
using Rebel.Models.Prompts;
using Rebel.Preference.Data;
using Rebel.Preference.Models;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Tournaments;
using Rebel.SelfPlay.Training;
using Rebel.Tensors.Kernels;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// What <c>rebel train</c> runs, stage by stage: (1) the reference π_ref (loaded, or built by SFT and cached);
/// (2) REBEL self-play against the judge; (3) optionally the same budget against a Bradley–Terry reward model fitted
/// to the offline data (the transitive baseline); (4) optionally a tournament on held-out prompts; (5) the report.
/// Every stage that finished before is reused, so a rerun (or <c>--resume</c> after a kill) redoes nothing finished;
/// the run folder's stamp (<c>run.json</c>) makes sure that it is reused only by the same config and inputs.
/// </summary>
/// <example>
/// <code>
/// var config = TrainConfig.Load("data/default.json");                 // or new TrainConfig { ... }.Validate()
/// var summary = await new TrainPipeline(config, Console.Out).RunAsync(cancellationToken: ct);
/// Console.WriteLine(summary.ReportPath);
/// </code>
/// </example>
public sealed class TrainPipeline
{
    private readonly TrainConfig config;
    private readonly TextWriter output;
    private readonly Func<string, int, ITrainingObserver?> observer;

    /// <summary>A pipeline for <paramref name="config"/> (validated here).</summary>
    /// <param name="config">The run: its paths absolute or relative to the working directory (<see cref="TrainConfig.Load"/> resolves a file's).</param>
    /// <param name="log">Stage messages (what is built, reused, played); null: none.</param>
    /// <param name="observer">Makes the progress observer of each REBEL run from its name (<c>self-play</c>, <c>baseline</c>)
    /// and iteration count; null: none.</param>
    /// <exception cref="ArgumentException"><paramref name="config"/> is invalid (<see cref="TrainConfig.Validate"/>).</exception>
    public TrainPipeline(TrainConfig config, TextWriter? log = null, Func<string, int, ITrainingObserver?>? observer = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config.Validate();
        output = log ?? TextWriter.Null;
        this.observer = observer ?? NoObserver;
    }

    private static ITrainingObserver? NoObserver(string name, int iterations) => null;

    /// <summary>Player name of π_ref in the tournament and the report.</summary>
    public const string ReferenceName = "sft-reference";

    /// <summary>Player name of the baseline's final policy.</summary>
    public const string BaselineName = "bt-baseline";

    /// <summary>Runs every stage, with the config's matrix-multiply backend (<see cref="TrainConfig.Gemm"/>) for the
    /// whole run; writes <c>report.md</c> and returns what it shows.</summary>
    /// <param name="resume">Continue an unfinished run; <c>rebel.iterations</c>, <c>rebel.checkpoint_interval</c>,
    /// <c>rebel.eval_interval</c> and <c>gemm</c> may differ from the saved settings.</param>
    /// <param name="overwrite">Discard what the run folder holds (all but the cached SFT reference) and start afresh.</param>
    /// <param name="ct">Stops the run within a step; finished checkpoints and stages stay, and a rerun with
    /// <paramref name="resume"/> continues.</param>
    /// <exception cref="ArgumentException">Both <paramref name="resume"/> and <paramref name="overwrite"/>.</exception>
    /// <exception cref="InvalidOperationException">The run folder holds a run with other settings, or an unfinished one
    /// without <paramref name="resume"/> (the message says how to go on).</exception>
    /// <exception cref="RebelException">Bad input (data, model, judge spec), a failing judge, a diverged run.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public async Task<TrainSummary> RunAsync(bool resume = false, bool overwrite = false, CancellationToken ct = default)
    {
        if (resume && overwrite) throw new ArgumentException("give resume (continue the run) or overwrite (start it afresh), not both");
        using var gemm = Gemm.Use(backend: config.Gemm);                      // process-wide; restored when the run ends
        var timings = new List<(string Stage, double Seconds)>();
        var clock = Stopwatch.StartNew();
        void Done(string stage)
        {
            timings.Add((stage, clock.Elapsed.TotalSeconds));
            clock.Restart();
        }

        using var parsedJudge = JudgeSpec.Parse(config.Judge);
        // 0. the run's identity: its settings and the content of its inputs, checked against the folder's before any work
        if (overwrite) RunStamp.Clear(config.RunDir);
        Directory.CreateDirectory(config.RunDir);
        RunStamp.Ensure(config.RunDir, RunStamp.Of(config, parsedJudge.Id), resume);
        AtomicFile.WriteAllText(Path.Combine(config.RunDir, "config.json"), config.ToJson());
        var columns = config.ColumnMapping;
        // the datasets are checked before the long stages; conversations are rendered once π_ref (and its chat format) exists
        _ = PromptFile.Read(config.Prompts, columns);
        if (config.EvalPrompts is not null) _ = PromptFile.Read(config.EvalPrompts, columns);
        if (config.Rebel.OfflineData is not null) _ = PreferenceDataset.ReadExamples(config.Rebel.OfflineData, columns).Count();

        // 1. π_ref
        string referenceDir = config.Model ?? ReferenceStage.BuildOrLoad(config.Reference!, Path.Combine(config.RunDir, "reference"), columns, output, ct);
        Done("reference (tokenizer + SFT)");
        var renderer = new Lazy<IPromptRenderer>(() => PromptInput.RendererOf(referenceDir));
        PromptFits.Check(config, referenceDir, columns, () => renderer.Value); // before any sampling: a too-long prompt names its line
        var prompts = PromptInput.Read(config.Prompts, columns, () => renderer.Value);
        var evalPrompts = config.EvalPrompts is null ? [] : PromptInput.Read(config.EvalPrompts, columns, () => renderer.Value);
        var offline = config.Rebel.OfflineData is null ? [] : ReadPreferences(config.Rebel.OfflineData, columns, renderer);
        // conversations: the policies encode them with content as plain text and end replies with the end-of-turn token;
        // judges see their messages
        _prompts = renderer;
        using var judge = PromptInput.ShowingConversations(parsedJudge, renderer);

        // 2. REBEL self-play against the task judge
        output.WriteLine($"self-play: {config.Algorithm} against {judge.Id}");
        var selfPlay = await RunArmAsync("self-play", judge, judge, referenceDir, config.RunDir, prompts, evalPrompts, offline, resume, ct);
        Done("REBEL self-play");

        // 3. the transitive baseline: the same REBEL budget against a Bradley–Terry reward model
        string? baselineDir = null;
        ArmResult? baselineRun = null;
        double? rewardModelAccuracy = null;
        if (config.Baseline is { } baseline)
        {
            baselineDir = Path.Combine(config.RunDir, "baseline");
            // without its own data the reward model fits rebel.offline_data, already read above
            var rmData = baseline.Data ?? config.Rebel.OfflineData!;
            (var rmDir, rewardModelAccuracy) = BaselineStage.TrainOrLoad(baseline, rmData,
                () => baseline.Data is null ? offline : ReadPreferences(rmData, columns, renderer), Path.Combine(baselineDir, "reward-model"), output);
            using var rmModel = PreferenceModelJudge.Load(rmDir);
            using var rmJudge = PromptInput.ShowingConversations(rmModel, renderer);
            output.WriteLine($"baseline: {config.Algorithm} against the Bradley–Terry reward model (same options and budget)");
            baselineRun = await RunArmAsync("baseline", rmJudge, judge, referenceDir, baselineDir, prompts, evalPrompts, offline, resume, ct);
            Done("baseline (reward model + REBEL)");
        }

        // 4. the tournament on held-out prompts, under the task judge
        TournamentResult? tournament = null;
        if (config.Tournament is { } t)
        {
            var players = TournamentPlayers(t, referenceDir, selfPlay, baselineRun);
            var played = evalPrompts.Take(t.Prompts).ToList();
            output.WriteLine($"tournament: {players.Count} players × {played.Count} held-out prompts × {t.Samples} samples under {judge.Id}");
            var dir = Path.Combine(config.RunDir, "tournament");
            if (Tournament.HoldsOtherPlayers(dir, players))
            {
                // a resumed run that went further (more iterations) has new final policies: the saved games are stale
                output.WriteLine("tournament: the run's policies changed since it was played (a resume with more iterations); replaying it");
                Tournament.Discard(dir);
            }
            tournament = await Tournament.RunAsync(players, played, judge, dir, t.Options(), ct);
            TournamentReport.Write(tournament, dir);
            Done("tournament");
        }

        var summary = new TrainSummary(config, evalPrompts, selfPlay.Final, baselineDir, tournament, timings, rewardModelAccuracy);
        RunReport.Write(summary);
        Done("report");
        return summary;
    }

    /// <summary>Preference records with their prompts as π_ref reads them (the renderer is only built for a conversation).</summary>
    private static List<PreferenceRecord> ReadPreferences(string location, ColumnMapping columns, Lazy<IPromptRenderer> renderer)
    {
        bool conversational = PreferenceDataset.ReadExamples(location, columns).Any(e => e.Prompt.IsConversation);
        return PreferenceDataset.Read(location, conversational ? renderer.Value : null, columns).ToList();
    }

    /// <summary>The renderer of the run's conversations (created only when a dataset holds one).</summary>
    private Lazy<IPromptRenderer>? _prompts;

    /// <summary><paramref name="policy"/>, reading the run's conversation prompts through their renderer when there are any.</summary>
    private TransformerPolicy ReadingPrompts(TransformerPolicy policy)
    {
        if (_prompts is { IsValueCreated: true } prompts) policy.Prompts = prompts.Value;
        return policy;
    }

    private async Task<ArmResult> RunArmAsync(string name, IPairwiseJudge judge, IPairwiseJudge evalJudge, string referenceDir, string runDir,
        IReadOnlyList<string> prompts, IReadOnlyList<string> evalPrompts, IReadOnlyList<PreferenceRecord> offline, bool resume, CancellationToken ct)
    {
        var options = config.Rebel;
        var store = new CheckpointStore(runDir);
        var finalPath = store.PathOf(options.Iterations);
        if (Directory.Exists(finalPath))
        {
            output.WriteLine($"{name}: already trained ({finalPath}); add --overwrite to train again");
            return new ArmResult(finalPath, store.List());
        }
        var latest = store.Latest();
        if (latest is not null && !resume)
            throw new InvalidOperationException($"{runDir} holds an unfinished run (last checkpoint {latest.Value.Path}); run `rebel train --resume` with the same config to continue it, or add --overwrite to start over.");

        var policy = ReadingPrompts(TransformerPolicy.Load(referenceDir, config.Lora)); // π_θ, initialised at π_ref (LoRA: B = 0)
        var reference = policy.Snapshot();                                      // π_ref: frozen copy
        var trainer = new RebelTrainer(policy, reference, options, runDir)
        {
            TrainPrompts = prompts,
            EvalPrompts = evalPrompts.Take(config.PeriodicEvalPrompts).ToList(),
            Judge = judge,
            EvalJudge = evalJudge,                                              // win rates always under the task judge
            Offline = offline,
            Observer = observer(name, options.Iterations),
        };
        var final = await trainer.RunAsync(resume: latest is not null, ct);
        return new ArmResult(final, store.List());
    }

    private List<ITournamentPlayer> TournamentPlayers(TournamentStageConfig t, string referenceDir, ArmResult selfPlay, ArmResult? baseline)
    {
        var options = config.Rebel;
        var bases = new Rebel.Models.Lora.SharedBaseModels();                   // LoRA checkpoints share the reference's weights
        ITournamentPlayer Player(string name, string modelDir) =>
            new PolicyPlayer(name, ReadingPrompts(TransformerPolicy.LoadFrozen(modelDir, bases)), options.Temperature, options.MaxNewTokens) { ModelHash = ContentHash.OfDirectory(modelDir) };
        var players = new List<ITournamentPlayer> { Player(ReferenceName, referenceDir) };
        var earlier = selfPlay.Checkpoints.Where(c => c.Iteration < options.Iterations).ToList();
        foreach (var (iteration, path) in Spread(earlier, t.Checkpoints, options.Iterations))
            players.Add(Player(string.Create(CultureInfo.InvariantCulture, $"self-play-{iteration}"), Path.Combine(path, "model")));
        players.Add(Player(string.Create(CultureInfo.InvariantCulture, $"self-play-{options.Iterations}"), Path.Combine(selfPlay.Final, "model")));
        if (baseline is not null)
            players.Add(Player(BaselineName, Path.Combine(baseline.Final, "model")));
        return players;
    }

    /// <summary>
    /// Up to <paramref name="count"/> checkpoints spread evenly over the run: the ones nearest to iterations
    /// T·i/(count + 1), i = 1…count, so the tournament sees the whole trajectory rather than the last few iterations.
    /// </summary>
    private static IEnumerable<(int Iteration, string Path)> Spread(IReadOnlyList<(int Iteration, string Path)> earlier, int count, int iterations)
    {
        if (count <= 0 || earlier.Count == 0) return [];
        return Enumerable.Range(1, count)
            .Select(i => earlier.MinBy(c => Math.Abs(c.Iteration - (double)iterations * i / (count + 1))))
            .Distinct()
            .OrderBy(c => c.Iteration);
    }
}
