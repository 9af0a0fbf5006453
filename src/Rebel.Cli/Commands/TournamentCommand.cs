using System.CommandLine;
using System.Diagnostics;
using Rebel.Cli.Progress;
using Rebel.Judges;
using Rebel.Judges.Spec;
using Rebel.Models.Data;
using Rebel.Models.Prompts;
using Rebel.Models.Gpt2;
using Rebel.Models.Lora;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Tournaments;
using Rebel.Tensors.IO;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel tournament --players P1,P2,... --prompts FILE --judge SPEC --out DIR [--samples N] [--anchor NAME]
/// [--concurrency N] [--seed S] [--overwrite]</c>: plays the players against each other on every prompt and writes
/// <c>DIR/tournament.json</c>, <c>DIR/report.md</c> and SVG plots. Rerunning with the same arguments resumes a killed
/// run from the verdicts saved in <c>DIR</c>; a player whose content changed under the same name is refused unless
/// <c>--overwrite</c> discards the saved run.
/// </summary>
internal static class TournamentCommand
{
    public static Command Create()
    {
        var players = new Option<string>("--players") { Description = "Comma-separated players: completion files (JSONL {\"prompt\",\"completion\"}), model, LoRA adapter or checkpoint directories.", Required = true };
        var prompts = new Option<FileInfo>("--prompts") { Description = "Prompts: JSONL or Parquet (a file, folder or glob), one {\"prompt\"} per record, text or messages.", Required = true };
        var columns = ColumnsOption.Create();
        var judge = new Option<string>("--judge") { Description = "Judge spec (see rebel judge).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output directory (also holds the resumable state).", Required = true };
        var samples = new Option<int>("--samples") { Description = "Samples per prompt per player (default 1).", DefaultValueFactory = _ => 1 };
        var anchor = new Option<string?>("--anchor") { Description = "Play every player against this one only, and pin its rating to 1000." };
        var concurrency = new Option<int>("--concurrency") { Description = "Judge calls in flight at once (default 4).", DefaultValueFactory = _ => 4 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of sampling and bootstrap (default 0).", DefaultValueFactory = _ => 0 };
        var overwrite = new Option<bool>("--overwrite") { Description = "Discard a tournament saved in --out (e.g. after a player changed) instead of resuming it." };
        var command = new Command("tournament", "Play a round-robin (or anchor) tournament and report win rates, ratings and the maximal lottery.")
        {
            players, prompts, judge, output, samples, anchor, concurrency, seed, overwrite, columns,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetRequiredValue(players).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            parse.GetRequiredValue(prompts).FullName, parse.GetRequiredValue(judge), parse.GetRequiredValue(output).FullName,
            new TournamentOptions { Samples = parse.GetValue(samples), Anchor = parse.GetValue(anchor), Concurrency = parse.GetValue(concurrency), Seed = parse.GetValue(seed) },
            parse.GetValue(overwrite), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken, parse.GetValue(columns)));
        return command;
    }

    /// <summary>Runs the verb; 0 on success, 1 on bad input or a failed judge (the reason goes to <paramref name="error"/>).</summary>
    internal static async Task<int> RunAsync(IReadOnlyList<string> playerPaths, string promptsPath, string spec, string directory,
        TournamentOptions options, bool overwrite, TextWriter output, TextWriter error, CancellationToken cancellationToken, string? columns = null)
    {
        try
        {
            options.Validate();
            var renderer = new Lazy<IPromptRenderer>(() => PromptInput.SharedRenderer(playerPaths));
            var numbered = PromptInput.ReadNumbered(promptsPath, ColumnMapping.Parse(columns), () => renderer.Value);
            var prompts = numbered.Select(p => p.Prompt).ToList();
            var players = new PlayerResolver(LoadFittingPolicy(promptsPath, numbered, renderer)).Resolve(playerPaths);
            using var parsed = JudgeSpec.Parse(spec);
            using var judge = PromptInput.ShowingConversations(parsed, renderer);
            if (overwrite) Tournament.Discard(directory);
            var clock = Stopwatch.StartNew();
            int pairs = options.Anchor is null ? players.Count * (players.Count - 1) / 2 : players.Count - 1;
            var result = await JudgingProgress.RunAsync(judge, pairs * prompts.Count * options.Samples, output, error,
                shown => Tournament.RunAsync(players, prompts, shown, directory, options, cancellationToken));
            TournamentReport.Write(result, directory);
            await error.WriteLineAsync($"{result.Games.Count} games ({result.JudgedThisRun} judged now in {result.JudgeCalls} judge calls, "
                + $"{result.Games.Count - result.JudgedThisRun} resumed) in {clock.Elapsed.TotalSeconds:0.###} s with {judge.Id}");
            var a = result.Analysis;
            foreach (int i in Enumerable.Range(0, result.Players.Count).OrderByDescending(i => a.Elo[i]))
                await output.WriteLineAsync($"{result.Players[i],-24} elo {a.Elo[i],8:0.0}  lottery {a.Lottery.Weights[i]:0.000}");
            await output.WriteLineAsync($"wrote {Path.Combine(directory, "tournament.json")}");
            return 0;
        }
        catch (Exception e) when (CommandErrors.IsExpected(e))
        {
            return CommandErrors.Report(e, error);
        }
    }

    /// <summary>
    /// Loads a model directory, or a trainer checkpoint folder (its <c>model/</c> subfolder), as a samplable policy;
    /// players over the same base (LoRA adapter folders and the base itself) share its weights through <paramref name="bases"/>.
    /// </summary>
    /// <remarks>
    /// A model folder that does not load (unsupported model_type, mismatched or corrupt weights) is reported as
    /// <see cref="InvalidDataException"/> with the loader's message, so the player resolver names it in one line.
    /// </remarks>
    internal static IPolicy LoadPolicy(string path, SharedBaseModels bases)
    {
        try
        {
            return TransformerPolicy.LoadFrozen(Directory.Exists(Path.Combine(path, "model")) ? Path.Combine(path, "model") : path, bases);
        }
        catch (Exception e) when (e is ModelFormatException or SafeTensorsFormatException)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <summary>
    /// <see cref="LoadPolicy"/>, then a check that every prompt of <paramref name="promptsPath"/> fits the model's context
    /// (a too-long prompt is refused naming its line, before anything is sampled or judged). When the prompts held
    /// conversations, the policy reads them through <paramref name="renderer"/> (content as plain text, replies ending
    /// with the end-of-turn token).
    /// </summary>
    internal static Func<string, IPolicy> LoadFittingPolicy(string promptsPath, IReadOnlyList<(int Line, string Prompt)> prompts, Lazy<IPromptRenderer> renderer)
    {
        var bases = new SharedBaseModels();
        return path => Fitting((TransformerPolicy)LoadPolicy(path, bases), path, promptsPath, prompts, renderer);
    }

    private static TransformerPolicy Fitting(TransformerPolicy policy, string path, string promptsPath, IReadOnlyList<(int Line, string Prompt)> prompts, Lazy<IPromptRenderer> renderer)
    {
        if (renderer.IsValueCreated) policy.Prompts = renderer.Value;
        PromptFile.CheckFits(promptsPath, prompts, p => policy.EncodePrompt(p).Length, policy.Model.ContextLength, path);
        return policy;
    }

}
